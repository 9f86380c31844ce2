#!/usr/bin/env bash
# Stops the test node and puts the machine back as it was before up.sh: every pod removed
# through the CRI (so the CNI plugin releases its addresses and network namespaces), the daemons
# stopped by pid, then the mounts, the bridge, the iptables chains, the cgroups, the node address
# and the sysctls up.sh or the components changed. Keeps the node's data (etcd, images, volumes);
# --purge deletes $CLUSTER_DIR too. Safe to run when nothing runs, and after a killed run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for part in env host-state daemons; do
  # shellcheck source=/dev/null
  source "$here/$part.sh"
done
[ "$(id -u)" -eq 0 ] || fail "needs root, like up.sh"
purge=0
[ "${1:-}" = --purge ] && purge=1

if [ ! -d "$STATE_DIR" ] && [ ! -f "$OWNER_FILE" ]; then
  step "not running"
  ((purge)) && rm -rf "$CLUSTER_DIR"
  exit 0
fi
step "stopping the node ($CLUSTER_DIR)"
# Nothing may start pods again while they are removed.
for d in kube-proxy kube-scheduler kube-controller-manager kubelet; do stop_daemon "$d"; done

# Pods go through the CRI even after a killed run: containerd is started again for that.
if ! daemon_pid containerd >/dev/null && [ -s "$CLUSTER_DIR/config/containerd.toml" ] && [ -d "$RUN_DIR/containerd" ]; then
  start_daemon containerd containerd --config "$CLUSTER_DIR/config/containerd.toml"
  wait_until "containerd" 30 crictl_ info || true
fi
if daemon_pid containerd >/dev/null; then
  crictl_ rmp --all --force >/dev/null 2>&1 || crictl_ rmp --all --force >&2 || step "warning: some pods could not be removed"
fi
for d in kube-apiserver etcd containerd; do stop_daemon "$d"; done
# Shims outlive containerd by design; these are the ones of our socket only.
pkill -f -- "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" 2>/dev/null || true

clean_mounts
ip link show "$BRIDGE" >/dev/null 2>&1 && ip link delete "$BRIDGE"
clean_iptables
clean_cgroups
if [ -f "$STATE_DIR/node-ip.added" ]; then
  ip addr del "$NODE_IP/32" dev lo 2>/dev/null || true
  rm -f "$STATE_DIR/node-ip.added"
fi
restore_host_state
rm -rf "$RUN_DIR"
rm -rf "$STATE_DIR"
((purge)) && rm -rf "$CLUSTER_DIR"
step "stopped; the machine's settings are restored"
