// Package infra holds the offline checks of sgref's deployment templates: s.yaml at the
// repository root (Serverless Devs 3, component fc3, for Alibaba Cloud Function Compute
// 3.0), aws/template.yaml with aws/samconfig.toml and aws/sam.mk (AWS SAM), and
// alibaba/ram-policy.json (the policy of the FC functions' RAM role).
//
// The checks are tests and need neither network nor cloud credentials:
//
//	go test ./infra/
//
// The README's Deploy section says how to deploy.
package infra
