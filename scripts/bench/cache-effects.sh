#!/usr/bin/env bash
# What each cache feature buys on the browse mix (loadtest/cache-effects.ts, ≈ 3 min): grace + refresh-ahead,
# warming of a fresh process, prepared statements on the replica, each on ÷ off measured back to back.
# Runs against the stack of scripts/stack/env.sh (AVELON_PORT_BASE moves it); starts the data stores and
# loads demo data when they are not up yet. Results go to the "## Cache features, one at a time" section of
# docs/benchmarks.md and docs/benchmarks-cache-effects.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../stack/env.sh"
cd "$AVELON_ROOT"
if ! pg_isready -q -h 127.0.0.1 -p "$AVELON_PGBOUNCER_PORT" 2>/dev/null; then
  echo "==> bench(cache-effects): the stack is not up; starting its data stores (no app services)"
  AVELON_SERVICES=none bash scripts/stack/up.sh
fi
echo "==> bench(cache-effects): grace + refresh-ahead, warming, prepared statements, each on ÷ off (vegeta)"
exec node loadtest/cache-effects.ts
