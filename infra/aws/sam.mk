# Targets `sam build` runs for the functions of infra/aws/template.yaml
# (Metadata: BuildMethod: makefile, CodeUri: the repository root). SAM runs
# `make build-<LogicalId>` with the root Makefile, which includes this file, and
# ARTIFACTS_DIR set to the directory it zips. Same flags as `make build-aws`:
# linux/arm64, provided.al2023, bootstrap, no RPC.
#
# The root Makefile defines GO and GOFLAGS_BUILD, whose -X main.version=$(VERSION)
# takes VERSION from the environment when set (VERSION ?= ...): sam build copies the
# code without .git, so git describe cannot find it there, and `make deploy-aws`
# passes it. The defaults below only apply when this file is used on its own.

GO            ?= go
GOFLAGS_BUILD ?= -trimpath -ldflags "-s -w"

.PHONY: build-DescribeReferencesFunction build-OrphanScanFunction sam-artifacts-dir

sam-artifacts-dir:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is unset: sam build runs these targets"; exit 1; }

build-DescribeReferencesFunction: sam-artifacts-dir
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/describe-references

build-OrphanScanFunction: sam-artifacts-dir
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/orphan-scan
