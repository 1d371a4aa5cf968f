# sgref: build, run and test the functions locally, package and deploy them.
# `make help` lists the targets.

FUNCTIONS := describe-references orphan-scan
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
ADDR      ?= 127.0.0.1:9000
GO        ?= go
GOFLAGS_BUILD := -trimpath -ldflags "-s -w -X main.version=$(VERSION)"
CONFORMANCE ?= ../shared/conformance
PLATFORM  ?=
# The AWS Lambda Runtime Interface Emulator, pinned (the module has no tags; this is its
# newest pseudo-version on the module proxy).
RIE_VERSION := v0.0.0-20261030222936-bef5c4ba774d
RIE         := build/tools/aws-lambda-rie
# MinIO, the S3 server the object-store tests run against, pinned (no tags on the proxy;
# built from source with our Go: several minutes on two cores, once).
MINIO_VERSION := v0.0.0-20260212201848-7aac2a2c5b7c
MINIO         := build/tools/minio
# Serverless Devs, pinned: infra's checks compare their reading of s.yaml with its own
# rendering (s preview, offline). One bundled npm package.
SDEVS_VERSION := 3.1.10
SDEVS         := build/tools/serverless-devs/node_modules/.bin/s

.PHONY: help serve invoke scan test tools fuzz bench lint build build-fc build-aws build-local package clean conformance gen

help:
	@echo "make serve            serve the ECS API on $(ADDR) (SGREF_INVENTORY selects the inventory;"
	@echo "                      PLATFORM=fc|lambda goes through that platform's event and adapter)"
	@echo "make invoke EVENT=…   run the real binary for a sample event under its emulated runtime"
	@echo "make scan             print the orphan-reference scan report of the configured inventory"
	@echo "make test             run every test (what CI runs)"
	@echo "make bench            run the benchmarks"
	@echo "make build            build every function for FC (linux/amd64) and Lambda (linux/arm64)"
	@echo "make package          zip each function per platform under build/"
	@echo "make lint             gofmt, go vet, go mod tidy check, cfn-lint and the SAM transform of the AWS template"
	@echo "make conformance      run the shared conformance kit against make serve"

# Recipes that print an answer are silent (@): standard output carries the tool's output
# alone, so that `make scan > report.json` is valid JSON. Progress goes to standard error.
serve:
	@$(GO) run ./functions/local serve -addr $(ADDR) $(if $(PLATFORM),-platform $(PLATFORM))

# The orphan-reference scan of the configured inventory, report on standard output.
scan:
	@$(GO) run ./functions/local scan $(if $(REGIONS),-regions $(REGIONS)) $(if $(ACCOUNTS),-accounts $(ACCOUNTS))

# Run a compiled function binary under its emulated runtime with a sample event:
#   make invoke EVENT=events/aws/http-api-v2.json     (Lambda, under aws-lambda-rie)
#   make invoke EVENT=events/fc/http-get.json         (FC, under the runtime-API emulator)
invoke: build-local $(RIE)
	@test -n "$(EVENT)" || { echo "usage: make invoke EVENT=events/…json [LOGS=1]" >&2; exit 2; }
	@$(GO) run ./functions/local invoke -event $(EVENT) -bin build/local -rie $(RIE) $(if $(LOGS),-logs)

# The functions built for this machine, to run under the emulators.
build-local: $(foreach f,$(FUNCTIONS),build/local/$(f)/$(f))
build/local/%: FORCE
	@echo "build $@" >&2
	@CGO_ENABLED=0 $(GO) build -tags lambda.norpc $(GOFLAGS_BUILD) -o $@ ./functions/$(word 3,$(subst /, ,$@))

# Tools the tests run, installed at pinned versions.
tools: $(RIE) $(MINIO) $(SDEVS)
$(RIE):
	@echo "install aws-lambda-rie $(RIE_VERSION) into build/tools (once)" >&2
	@GOBIN=$(CURDIR)/build/tools $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)
$(MINIO):
	@echo "install minio $(MINIO_VERSION) into build/tools (once; several minutes)" >&2
	@GOBIN=$(CURDIR)/build/tools $(GO) install github.com/minio/minio@$(MINIO_VERSION)
$(SDEVS):
	@echo "install Serverless Devs $(SDEVS_VERSION) into build/tools (once; npm)" >&2
	@npm install --prefix build/tools/serverless-devs --no-save --no-audit --no-fund --loglevel=error @serverless-devs/s@$(SDEVS_VERSION) >&2

# Everything CI runs: lint, every test with the race detector, a short fuzz of every
# target, and the shared conformance kit against the local server.
# Each step says what it does as it starts: on a fresh machine the first compile of
# everything with the race detector takes minutes.
test:
	@echo "== test 1/6: lint (gofmt, go vet, go mod tidy); go vet compiles every package"
	@$(MAKE) --no-print-directory lint
	@echo "== test 2/6: tools the tests run (aws-lambda-rie, minio, Serverless Devs, pinned)"
	@$(MAKE) --no-print-directory tools
	@echo "== test 3/6: compile every test with the race detector (minutes on a fresh machine; packages print as they are ready)"
	@$(GO) test -race -count=1 -run '^$$' ./...
	@echo "== test 4/6: go test -race ./... (the compiled binaries run under aws-lambda-rie and the FC emulator; the S3 store against minio)"
	@# infra's template checks are single-threaded parsing: the race detector finds nothing
	@# there and makes them 8× slower (150 s, the longest package), so they run without it.
	SGREF_RIE=$(CURDIR)/$(RIE) SGREF_MINIO=$(CURDIR)/$(MINIO) $(GO) test -race -count=1 $$($(GO) list ./... | grep -v '/infra$$')
	SGREF_SERVERLESS_DEVS=$(CURDIR)/$(SDEVS) $(GO) test -count=1 ./infra
	@echo "== test 5/6: fuzz every target for $(or $(FUZZTIME),20000x) inputs"
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(or $(FUZZTIME),20000x)
	@echo "== test 6/6: the shared conformance kit against make serve (plain, FC, Lambda)"
	@$(MAKE) --no-print-directory conformance

# Each fuzz target for FUZZTIME (go test takes one target per run). CI counts inputs
# (20000x) rather than seconds: a time budget that runs out mid-minimization is reported
# as a failure ("context deadline exceeded") by go test.
# The targets are found by their declarations (func FuzzX in a _test.go file), not by
# `go test -list`, which compiles every package's tests to list them (45 s of a warm CI run).
fuzz:
	@set -e; for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' shared functions infra | xargs -n1 dirname | sort -u); do \
		for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go | cut -c6- | sort -u); do \
			echo "fuzz ./$$dir $$f"; out=$$($(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(or $(FUZZTIME),10s) ./$$dir 2>&1) || { echo "$$out"; exit 1; }; \
		done; done

conformance:
	@if [ -d "$(CONFORMANCE)" ]; then .ci/conformance.sh $(CONFORMANCE) && \
		.ci/conformance.sh $(CONFORMANCE) -platform fc && .ci/conformance.sh $(CONFORMANCE) -platform lambda; \
	elif [ -n "$(CI)" ]; then echo "conformance kit not found at $(CONFORMANCE)"; exit 1; \
	else echo "conformance kit not found at $(CONFORMANCE): skipped"; fi

# Every hot path has a benchmark; each prints beside a baseline measured in the same run.
# -p 1: one package at a time, so that two packages' benchmarks never share the two cores.
bench:
	@mkdir -p build
	$(GO) test -p 1 -run '^$$' -bench . -benchmem -count 1 -timeout 60m ./... | tee build/bench.txt
	@echo; echo "ratios against the baseline of the same run:"; awk -f .ci/benchratio.awk build/bench.txt

lint:
	@test -z "$$(gofmt -l .)" || (gofmt -l . && echo "gofmt: files above need formatting" && exit 1)
	$(GO) vet ./...
	cp go.mod /tmp/sgref.go.mod.bak && cp go.sum /tmp/sgref.go.sum.bak
	$(GO) mod tidy
	@diff -q go.mod /tmp/sgref.go.mod.bak >/dev/null && diff -q go.sum /tmp/sgref.go.sum.bak >/dev/null || \
		(cp /tmp/sgref.go.mod.bak go.mod; cp /tmp/sgref.go.sum.bak go.sum; echo "go mod tidy changes go.mod/go.sum"; exit 1)
	@# The AWS template through the real tools: cfn-lint with its informational checks
	@# shown (errors and warnings fail), then aws-sam-translator's transform, offline, in
	@# the default and the SDK-mode configuration.
	cfn-lint --include-checks I --non-zero-exit-code warning -- infra/aws/template.yaml
	python3 .ci/sam-translate.py infra/aws/template.yaml
	python3 .ci/sam-translate.py infra/aws/template.yaml FunctionUrlAuth=NONE \
		AccessKeysSecret=sgref/access-keys AccessKeysSecretVersion=00000000-0000-0000-0000-000000000000

gen:
	@$(GO) run ./functions/local gen -groups $(or $(GROUPS),10000) -rules $(or $(RULES),10) -seed $(or $(SEED),1)

# FC 3.0: main, run by go1 (handler main) or started as /code/main by a custom runtime;
# linux/amd64 only. The binary links aws-lambda-go too (one main serves both platforms);
# lambda.norpc drops its unused net/rpc mode.
build/fc/%/main: FORCE
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -tags lambda.norpc $(GOFLAGS_BUILD) -o $@ ./functions/$*

# Lambda: provided.al2023, arm64, bootstrap, no RPC.
build/aws/%/bootstrap: FORCE
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc $(GOFLAGS_BUILD) -o $@ ./functions/$*

build-fc: $(FUNCTIONS:%=build/fc/%/main)
build-aws: $(FUNCTIONS:%=build/aws/%/bootstrap)
build: build-fc build-aws

# One zip per function per platform, the executable bit kept, ready for s deploy / SAM.
package: build
	@for f in $(FUNCTIONS); do \
		$(GO) run ./functions/local zip -o build/fc/$$f.zip -name main build/fc/$$f/main && \
		$(GO) run ./functions/local zip -o build/aws/$$f.zip -name bootstrap build/aws/$$f/bootstrap || exit 1; \
	done; ls -l build/fc/*.zip build/aws/*.zip

clean:
	rm -rf build

.PHONY: FORCE
FORCE:

# Deploy. Serverless Devs (s.yaml) on Alibaba Cloud; AWS SAM (infra/aws) on AWS. The config
# path is absolute: with -t, SAM resolves a relative --config-file against the template.
# First AWS deploy: make deploy-aws GUIDED=1.
.PHONY: deploy-fc deploy-aws
deploy-fc:
	s deploy -t s.yaml

# sam build builds a copy of the repository without .git, where git describe fails:
# the version is handed to infra/aws/sam.mk through the environment.
deploy-aws:
	VERSION='$(VERSION)' sam build --template-file infra/aws/template.yaml --config-file $(CURDIR)/infra/aws/samconfig.toml
	sam deploy --config-file $(CURDIR)/infra/aws/samconfig.toml $(if $(GUIDED),--guided)

# sam build runs `make build-<Function>` with this Makefile; kept last so that help stays
# the default goal.
include infra/aws/sam.mk
