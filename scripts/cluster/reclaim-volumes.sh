#!/usr/bin/env bash
# Wipes the node's released local volumes and makes them available again (tests call it after they
# delete a namespace whose claims held volumes; up.sh does it at each start).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for part in env addons; do
  # shellcheck source=/dev/null
  source "$here/$part.sh"
done
reclaim_volumes
