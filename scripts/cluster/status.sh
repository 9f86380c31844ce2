#!/usr/bin/env bash
# Shows the node's daemons (pid or "stopped"), the node, and its pods.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
source "$here/env.sh"
# shellcheck source=/dev/null
source "$here/daemons.sh"
for d in "${DAEMONS[@]}"; do
  if pid=$(daemon_pid "$d"); then printf '  %-24s running (pid %s)\n' "$d" "$pid"; else printf '  %-24s stopped\n' "$d"; fi
done
if daemon_pid kube-apiserver >/dev/null && apiserver_ready; then
  printf '\nkubeconfig: %s\n\n' "$KUBECONFIG_ADMIN"
  kubectl_ get nodes -o wide
  echo
  kubectl_ get pods -A -o wide
fi
