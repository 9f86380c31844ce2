# Avelon Platform. `make help` lists the targets; README.md says what they start.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
ROOT := $(CURDIR)
# Node 24 from .tools/bin comes first, so every target, npm script and test runs on it.
export PATH := $(ROOT)/.tools/bin:$(ROOT)/node_modules/.bin:$(PATH)
# The tests' own stack: other ports and another data dir than `make up`, so both can run at once.
TEST_ENV := AVELON_PORT_BASE=25400 AVELON_DATA_DIR=$(ROOT)/.data/test AVELON_DEMO_DATA=none AVELON_SERVICES=none

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: node
node: ## Install the pinned Node 24 (npm package node@24) into .tools/bin
	@bash scripts/node/ensure.sh

node_modules/.installed: package-lock.json package.json */package.json .node-version
	@$(MAKE) --no-print-directory node
	@echo "==> npm: installing packages (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: deps
deps: node_modules/.installed ## Install npm packages and the Debian packages of the local stack
	@bash scripts/stack/deps.sh

.PHONY: tools
tools: ## Build the Go tools (helm, k6, kube-apiserver, etcd) into .tools/bin
	@bash scripts/tools/install.sh

.PHONY: up
up: deps ## Start the local stack (Postgres primary + replica, PgBouncer, Redis x2), migrate, load demo data
	@bash scripts/stack/up.sh

.PHONY: down
down: ## Stop everything `make up` started (data is kept)
	@bash scripts/stack/down.sh

.PHONY: status
status: ## Show what runs, where, and whether it answers
	@bash scripts/stack/status.sh

.PHONY: clean
clean: down ## Stop the stack and delete its data (.data/)
	@rm -rf .data

.PHONY: lint
lint: node_modules/.installed ## Lint, type check and check import boundaries
	@echo "==> lint: biome"
	@biome check --error-on-warnings .
	@echo "==> lint: tsc"
	@tsc -p tsconfig.json
	@echo "==> lint: import boundaries (apps import core only; core imports no app)"
	@depcruise --config .dependency-cruiser.cjs core api worker operator admin-metrics scripts test

.PHONY: test-unit
test-unit: node_modules/.installed ## Run the unit tests (no servers)
	@echo "==> test: unit"
	@node --test --test-reporter=spec $$(git ls-files --cached --others --exclude-standard '*/src/*.test.ts' '*/src/**/*.test.ts' | sort -u)

.PHONY: test-integration
test-integration: deps tools ## Run the integration tests against a stack of their own (ports 25400+)
	@echo "==> test: integration (own stack on ports 25401+, data in .data/test)"
	@$(TEST_ENV) bash scripts/stack/up.sh
	@status=0; $(TEST_ENV) bash scripts/test/integration.sh || status=$$?; $(TEST_ENV) bash scripts/stack/down.sh >/dev/null; exit $$status

.PHONY: test
test: deps lint test-unit test-integration ## Everything CI runs: lint, types, boundaries, unit and integration tests

.PHONY: docs
docs: node_modules/.installed ## Regenerate docs/configuration.md and docs/metrics.md from the code
	@node scripts/docs/generate.ts

.PHONY: bench
bench: deps ## Run the benchmarks (results go to docs/benchmarks.md)
	@bash scripts/bench/run.sh
