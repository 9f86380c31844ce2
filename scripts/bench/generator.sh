#!/usr/bin/env bash
# The load generator's own ceiling: vegeta against wrk on a bare Fastify route (loadtest/generator-bench.ts).
# Needs no data store. Results go to the "## Load generator" section of docs/benchmarks.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../stack/env.sh"
cd "$AVELON_ROOT"
command -v wrk >/dev/null || bash "$here/../apt-ensure.sh" bench wrk
echo "==> bench(generator): vegeta vs wrk on a bare Fastify route"
exec node loadtest/generator-bench.ts
