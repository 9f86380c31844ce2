#!/usr/bin/env bash
# `make bench`: runs every benchmark of this folder (one NAME.sh each, in name order); each writes its own
# "## Section" of docs/benchmarks.md; then the capacity model is regenerated from them (`make capacity`).
# AVELON_BENCHES=api,worker runs only those. To add one, add a file. The optional ones below run only when
# named, so that make bench stays under 20 minutes from a fresh clone: node (the chart on the test cluster,
# ~10 min more and root; `make bench-node` runs it alone) and cache-effects (each cache feature on and off,
# ~3 min; `make bench-cache-effects`).
# It runs on a private stack of its own (ports 55401+, data in .data/bench; AVELON_PORT_BASE and
# AVELON_DATA_DIR move it), away from `make up` (15400) and the tests (25400); the data stores it starts are
# stopped at the end, and its demo data stays in the data directory for the next run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export AVELON_PORT_BASE="${AVELON_PORT_BASE:-55400}"
export AVELON_DATA_DIR="${AVELON_DATA_DIR:-$root/.data/bench}"
export AVELON_SERVICES=none
source "$here/../stack/env.sh"
[ -x "$root/.tools/bin/vegeta" ] || bash "$root/scripts/tools/install.sh" vegeta
export PATH="$root/.tools/bin:$PATH"
if ! pg_isready -q -h 127.0.0.1 -p "$AVELON_PGBOUNCER_PORT" 2>/dev/null; then
  echo "==> bench: starting the bench stack (ports $AVELON_PORT_BASE+, data in $AVELON_DATA_DIR)"
  bash "$root/scripts/stack/up.sh"
  trap 'bash "$root/scripts/stack/down.sh"' EXIT
fi
status=0
optional='node cache-effects'
for bench in "$here"/*.sh; do
  name=$(basename "$bench" .sh)
  [ "$name" = run ] && continue
  if [ -n "${AVELON_BENCHES:-}" ] && [[ ",$AVELON_BENCHES," != *",$name,"* ]]; then continue; fi
  if [ -z "${AVELON_BENCHES:-}" ] && [[ " $optional " == *" $name "* ]]; then continue; fi
  bash "$bench" || { echo "bench $name failed" >&2; status=1; }
done
# The capacity model reads what the benchmarks just wrote (docs/benchmarks-api.json, docs/benchmarks.md).
echo "==> bench: capacity model (docs/capacity.md, docs/capacity-frontier.svg, the sizing table of docs/install.md)"
node "$root/loadtest/capacity.ts" || { echo "capacity model failed" >&2; status=1; }
exit $status
