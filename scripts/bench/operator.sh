#!/usr/bin/env bash
# The operator's reaction benchmark: queue burst → worker floor decision, the operator in standalone dry-run
# mode (no cluster in the bench; loadtest/operator-bench.ts). Needs only the queue Redis of the stack of
# scripts/stack/env.sh; starts the data stores when they are not up. Results go to the "## Operator"
# section of docs/benchmarks.md and docs/benchmarks-operator.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../stack/env.sh"
cd "$AVELON_ROOT"
if ! redis-cli -h 127.0.0.1 -p "$AVELON_REDIS_QUEUE_PORT" ping >/dev/null 2>&1; then
  echo "==> bench(operator): the stack is not up; starting its data stores (no app services)"
  AVELON_SERVICES=none bash scripts/stack/up.sh
fi
echo "==> bench(operator): queue burst → worker floor decision (standalone, dry run)"
exec node loadtest/operator-bench.ts
