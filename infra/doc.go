// Package infra holds the offline checks of sgref's deployment templates: s.yaml at the
// repository root (Serverless Devs 3, component fc3, for Alibaba Cloud Function Compute
// 3.0), aws/template.yaml with aws/samconfig.toml and aws/sam.mk (AWS SAM), and
// alibaba/ram-policy-<function>.json (the policies of the FC functions' RAM roles, one
// role per function).
//
// The checks are tests and need neither network nor cloud credentials:
//
//	go test ./infra/
//
// They hold sgref's own rules (least privilege per function, SDK-mode pairing, the names
// the code, the Makefile and the RAM policy use): fc_test.go, sam_test.go, repo_test.go,
// with broken variants of each file under testdata/broken. s.yaml is checked under each
// describe runtime a deployer may choose, and its reading compared with Serverless Devs'
// own rendering (s preview, offline; make tools installs it). `make lint` runs the
// generic linters on the AWS template: cfn-lint and aws-sam-translator
// (.ci/sam-translate.py).
//
// The README's Deploy section says how to deploy.
package infra
