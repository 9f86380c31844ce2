#!/usr/bin/env bash
# `make bench`: runs every benchmark of this folder (one NAME.sh each, in name order); each writes its own
# "## Section" of docs/benchmarks.md. AVELON_BENCHES=api,worker runs only those. To add one, add a file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
status=0
for bench in "$here"/*.sh; do
  name=$(basename "$bench" .sh)
  [ "$name" = run ] && continue
  if [ -n "${AVELON_BENCHES:-}" ] && [[ ",$AVELON_BENCHES," != *",$name,"* ]]; then continue; fi
  bash "$bench" || { echo "bench $name failed" >&2; status=1; }
done
exit $status
