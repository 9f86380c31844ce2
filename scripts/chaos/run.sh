#!/usr/bin/env bash
# `make chaos`: the fault experiments of loadtest/chaos/ under load, on a private stack of their own
# (ports 27401+, data in .data/chaos; AVELON_PORT_BASE and AVELON_DATA_DIR move it), away from `make up`
# (15400), the tests (25400) and `make bench` (55400), and below the kernel's ephemeral ports (32768+),
# where an outgoing connection can hold a port the stack needs. Builds toxiproxy first (scripts/tools/install.sh,
# cached). Writes docs/reliability.md and docs/reliability.json. Arguments go to loadtest/chaos.ts
# (e.g. --only redis-cache-kill); CHAOS_ONLY=a,b does the same from make. The data stores it started are
# stopped at the end; the data directory stays for the next run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export AVELON_PORT_BASE="${AVELON_PORT_BASE:-27400}"
export AVELON_DATA_DIR="${AVELON_DATA_DIR:-$root/.data/chaos}"
export AVELON_SERVICES=none
# A small catalogue: the experiments make their own shoppers and products; browsing needs some others.
export AVELON_DEMO_DATA="${AVELON_DEMO_DATA:-small}"
source "$root/scripts/stack/env.sh"
bash "$root/scripts/tools/install.sh" toxiproxy
export PATH="$root/.tools/bin:$PATH"
if ! pg_isready -q -h 127.0.0.1 -p "$AVELON_PGBOUNCER_PORT" 2>/dev/null; then
  echo "==> chaos: starting the chaos stack (ports $AVELON_PORT_BASE+, data in $AVELON_DATA_DIR)"
  bash "$root/scripts/stack/up.sh"
  trap 'bash "$root/scripts/stack/down.sh"' EXIT
fi
args=("$@")
if [ -n "${CHAOS_ONLY:-}" ]; then args+=(--only "$CHAOS_ONLY"); fi
cd "$root"
node loadtest/chaos.ts "${args[@]}"
