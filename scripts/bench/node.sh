#!/usr/bin/env bash
# The browse scenario on the real node (loadtest/node-bench.ts): the chart installed on the test cluster
# (docs/cluster.md) in a namespace of its own, entered through a NodePort on 127.0.0.1, at the offered rates of
# the local API's figures in docs/benchmarks-api.json. `make bench-node`, or `AVELON_BENCHES=...,node make bench`
# (optional: not in the default list). Starts the cluster when it is not running and then stops it after; a
# running one is used and left running. Needs root, `make tools images`. Results go to the "## On the real
# node" section of docs/benchmarks.md and docs/benchmarks-node.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# The chart test's helpers that node-bench.ts reuses read the stack's environment (nothing here starts it).
source "$here/../stack/env.sh"
cd "$AVELON_ROOT"
export PATH="$AVELON_ROOT/.tools/bin:$PATH"
[ -x .tools/bin/vegeta ] || bash scripts/tools/install.sh vegeta
[ -x .tools/bin/helm ] && [ -x .tools/bin/kube-apiserver ] || {
  echo "bench(node): needs the cluster's tools and the images: make tools images" >&2
  exit 1
}

# Whether the node runs for the cluster directory $1 (the checks of scripts/cluster/up.sh).
running_for() {
  (
    export AVELON_CLUSTER_DIR=$1
    source scripts/cluster/env.sh
    source scripts/cluster/daemons.sh
    for d in "${DAEMONS[@]}"; do daemon_pid "$d" >/dev/null || exit 1; done
    apiserver_ready
  )
}
cluster_dir="${AVELON_CLUSTER_DIR:-$AVELON_ROOT/.data/cluster}"
owner=$(cat /run/avelon-cluster/owner 2>/dev/null || true)
# up.sh would stop a node another clone runs (it cleans up after "an earlier run"): never do that here.
if [ -n "$owner" ] && [ "$owner" != "$cluster_dir" ] && running_for "$owner"; then
  echo "bench(node): the node runs for $owner (another clone); stop it there first" >&2
  exit 1
fi
if running_for "$cluster_dir"; then
  echo "==> bench(node): the test cluster is running; using it (left running)"
  # Idempotent on a running node: imports the images built since it started.
  bash scripts/cluster/up.sh >/dev/null
  export BENCH_NODE_CLUSTER_START="already running"
else
  echo "==> bench(node): starting the test cluster (stopped again at the end)"
  trap 'echo "==> bench(node): stopping the test cluster"; bash scripts/cluster/down.sh' EXIT
  started=$SECONDS
  bash scripts/cluster/up.sh >/dev/null
  export BENCH_NODE_CLUSTER_START="$((SECONDS - started)) s (scripts/cluster/up.sh)"
fi
export KUBECONFIG="$cluster_dir/kubeconfig"
echo "==> bench(node): browse mix through the chart's NodePort on 127.0.0.1 (vegeta)"
node loadtest/node-bench.ts
