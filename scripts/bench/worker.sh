#!/usr/bin/env bash
# The worker benchmark: jobs/s of 1 and 2 worker processes into the real SMTP sink
# (loadtest/worker-bench.ts). Needs only the queue Redis of the stack of scripts/stack/env.sh
# (AVELON_PORT_BASE moves it); starts the data stores when they are not up. Results go to the
# "## Worker" section of docs/benchmarks.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../stack/env.sh"
cd "$AVELON_ROOT"
if ! redis-cli -h 127.0.0.1 -p "$AVELON_REDIS_QUEUE_PORT" ping >/dev/null 2>&1; then
  echo "==> bench(worker): the stack is not up; starting its data stores (no app services)"
  AVELON_SERVICES=none bash scripts/stack/up.sh
fi
echo "==> bench(worker): jobs/s of 1 and 2 worker processes into the SMTP sink"
exec node loadtest/worker-bench.ts
