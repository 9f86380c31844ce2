#!/usr/bin/env bash
# The API benchmark (loadtest/api-bench.ts): the ceiling (bare Fastify), the API as installed and the seed's
# "before" (cache off, primary only), on detail, lists and the browse mix, then admin writes with the staleness check.
# Runs against the stack of scripts/stack/env.sh (AVELON_PORT_BASE moves it); starts the data stores and
# loads demo data when they are not up yet. Results go to the "## API" section of docs/benchmarks.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../stack/env.sh"
cd "$AVELON_ROOT"
if ! pg_isready -q -h 127.0.0.1 -p "$AVELON_PGBOUNCER_PORT" 2>/dev/null; then
  echo "==> bench(api): the stack is not up; starting its data stores (no app services)"
  AVELON_SERVICES=none bash scripts/stack/up.sh
fi
echo "==> bench(api): ceiling vs default install vs the seed's before, browse mix, admin writes (vegeta)"
exec node loadtest/api-bench.ts
