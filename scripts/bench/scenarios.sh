#!/usr/bin/env bash
# The spike and shop scenarios against the API as installed by default (loadtest/scenarios-bench.ts). Runs on
# the stack of scripts/stack/env.sh (AVELON_PORT_BASE moves it); starts the data stores and loads demo data
# when they are not up. Runs after api.sh (name order), whose saturation figure sets the spike's base rate.
# Results go to the "## Scenarios" section of docs/benchmarks.md and docs/benchmarks-scenarios.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../stack/env.sh"
cd "$AVELON_ROOT"
if ! pg_isready -q -h 127.0.0.1 -p "$AVELON_PGBOUNCER_PORT" 2>/dev/null; then
  echo "==> bench(scenarios): the stack is not up; starting its data stores (no app services)"
  AVELON_SERVICES=none bash scripts/stack/up.sh
fi
echo "==> bench(scenarios): spike (browse mix at R, 10 × R, R) and shop (OTP sign-in, cart, checkout)"
exec node loadtest/scenarios-bench.ts
