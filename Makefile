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
tools: ## Build the Go tools (helm, vegeta, toxiproxy, etcd, Kubernetes components, crictl, CoreDNS, metrics-server) into .tools/bin
	@bash scripts/tools/install.sh

.PHONY: cluster-up
cluster-up: tools images ## Start the single-node test cluster (root; prints the kubeconfig path)
	@bash scripts/cluster/up.sh

.PHONY: cluster-down
cluster-down: ## Stop the test cluster and restore the machine's settings (data kept; PURGE=1 deletes it)
	@bash scripts/cluster/down.sh $(if $(PURGE),--purge)

.PHONY: cluster-status
cluster-status: ## Show the test cluster's daemons, node and pods
	@bash scripts/cluster/status.sh

.PHONY: images
images: ## Build the container images (apps, Postgres, Redis, PgBouncer) with buildah; cached by content hash
	@bash scripts/images/build.sh

# The dashboard's page (admin-metrics/dist, git-ignored): built with Vite only when its sources changed.
DASHBOARD_SRC := $(shell find admin-metrics/web -type f -not -name '*.test.ts' 2>/dev/null) admin-metrics/package.json
admin-metrics/dist/index.html: $(DASHBOARD_SRC) node_modules/.installed
	@echo "==> admin-metrics: building the page (vite)"
	@npm run build --silent -w @avelon/admin-metrics
	@touch $@

.PHONY: dashboard
dashboard: admin-metrics/dist/index.html ## Build the dashboard page (Vite) into admin-metrics/dist when its sources changed

.PHONY: up
up: deps dashboard ## Start the local stack (Postgres primary + replica, PgBouncer, Redis x2), migrate, load demo data
	@bash scripts/stack/up.sh

.PHONY: down
down: ## Stop everything `make up` started (data is kept)
	@bash scripts/stack/down.sh

.PHONY: status
status: ## Show what runs, where, and whether it answers
	@bash scripts/stack/status.sh

.PHONY: clean
clean: down cluster-down ## Stop the stack and the test cluster and delete their data (.data/)
	@rm -rf .data

.PHONY: lint
lint: node_modules/.installed ## Lint, type check and check import boundaries
	@echo "==> lint: biome"
	@biome check --error-on-warnings .
	@echo "==> lint: tsc"
	@tsc -p tsconfig.json
	@tsc -p admin-metrics/web/tsconfig.json
	@echo "==> lint: import boundaries (apps import core only; core imports no app)"
	@depcruise --config .dependency-cruiser.cjs core api worker operator admin-metrics scripts test
	@echo "==> lint: dependencies (knip: none unused or unlisted; runtime code uses no dev dependency)"
	@knip --dependencies --no-progress
	@knip --dependencies --production --strict --no-progress

.PHONY: test-unit
test-unit: node_modules/.installed ## Run the unit tests (no servers)
	@echo "==> test: unit"
	@node --test --test-reporter=spec $$(git ls-files --cached --others --exclude-standard '*/src/*.test.ts' '*/src/**/*.test.ts' | sort -u)

.PHONY: test-integration
test-integration: deps tools images dashboard ## Run the integration tests on a stack of their own (ports 25400+) and the test cluster
	@bash scripts/stack/deps.sh chromium # the dashboard's browser test drives Debian's Chromium
	@echo "==> test: integration (own stack on ports 25401+, data in .data/test)"
	@$(TEST_ENV) bash scripts/stack/up.sh
	@status=0; $(TEST_ENV) bash scripts/test/integration.sh || status=$$?; $(TEST_ENV) bash scripts/stack/down.sh >/dev/null; exit $$status

.PHONY: test
test: deps lint test-unit test-integration ## Everything CI runs: lint, types, boundaries, unit and integration tests

.PHONY: docs
docs: node_modules/.installed ## Regenerate docs/configuration.md, docs/metrics.md and the values table of docs/install.md
	@node scripts/docs/generate.ts

.PHONY: bench
bench: deps ## Run the benchmarks on a private stack (ports 55401+; results go to docs/benchmarks.md, then make capacity)
	@bash scripts/bench/run.sh

.PHONY: bench-node
bench-node: deps tools images ## The browse mix on the chart installed on the test cluster (root; starts and stops it if not running)
	@bash scripts/bench/node.sh

.PHONY: bench-cache-effects
bench-cache-effects: deps ## Each cache feature on and off on the browse mix (~3 min; a section of docs/benchmarks.md)
	@AVELON_BENCHES=cache-effects bash scripts/bench/run.sh

.PHONY: capacity
capacity: node_modules/.installed ## Regenerate docs/capacity.md, its chart and the sizing table of docs/install.md from the last make bench
	@node loadtest/capacity.ts

.PHONY: chaos
chaos: deps ## Fault experiments under load on a private stack (ports 27401+; CHAOS_ONLY=name,...); results in docs/reliability.md
	@CHAOS_ONLY="$(CHAOS_ONLY)" bash scripts/chaos/run.sh
