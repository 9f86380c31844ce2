#!/usr/bin/env bash
# Runs the integration tests with the test stack's URLs in the environment (from scripts/stack/env.sh),
# on the real single-node cluster (scripts/cluster/): it is started before the tests and stopped after,
# and then the machine must be as it was before (test/teardown/host-restored.test.ts compares two
# snapshots). A cluster that already ran (a developer's) is left running and the comparison skipped.
set -euo pipefail
source "$(dirname "$0")/../stack/env.sh"
cd "$AVELON_ROOT"
cluster_dir="${AVELON_CLUSTER_DIR:-$AVELON_ROOT/.data/cluster}"
export AVELON_CLUSTER_DIR="$cluster_dir"
snapshots="$AVELON_DATA_DIR/host-state"
files=${AVELON_TEST_FILES:-$(git ls-files --cached --others --exclude-standard 'test/*.test.ts' 'test/**/*.test.ts' | grep -v '^test/teardown/' | sort -u)}

own_cluster=0
# Read whole first: grep -q closing the pipe early would fail status.sh under pipefail.
cluster_status=$(bash scripts/cluster/status.sh 2>/dev/null || true)
if ! grep -q 'kube-apiserver .*running' <<<"$cluster_status"; then
  own_cluster=1
  mkdir -p "$snapshots"
  bash scripts/cluster/snapshot.sh >"$snapshots/before.txt"
fi
status=0
bash scripts/cluster/up.sh >/dev/null || status=$?
if ((status == 0)); then
  ((own_cluster)) && bash scripts/cluster/snapshot.sh >"$snapshots/during.txt"
  # One file at a time: the files share one stack and some of them stop and start its parts.
  # shellcheck disable=SC2086 # a list of paths
  node --test --test-concurrency=1 --test-reporter=spec $files || status=$?
fi
if ((own_cluster)); then
  bash scripts/cluster/down.sh || status=$?
  bash scripts/cluster/snapshot.sh >"$snapshots/after.txt"
  AVELON_HOST_SNAPSHOTS="$snapshots" node --test --test-reporter=spec test/teardown/host-restored.test.ts || status=$?
fi
exit "$status"
