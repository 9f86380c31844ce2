# Sourced by the cluster scripts: where the test node lives, its addresses, ports and binaries.
# One node per machine: the kubelet and kube-proxy change machine-wide state (iptables, cgroups,
# sysctls), so a second cluster could not be told apart from the first.
cluster_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export AVELON_ROOT="$cluster_root"
CLUSTER_DIR="${AVELON_CLUSTER_DIR:-$cluster_root/.data/cluster}"
BIN="${AVELON_TOOLS_DIR:-$cluster_root/.tools}/bin"
# Sockets and containerd's state: short paths (a unix socket path has at most 107 bytes) on tmpfs,
# so a reboot clears them with the processes. The owner file names the CLUSTER_DIR that runs the
# node, so a clone can clean up after a killed run of another clone.
RUN_DIR=/run/avelon-cluster
OWNER_FILE="$RUN_DIR/owner"
STATE_DIR="$CLUSTER_DIR/state"
PKI="$CLUSTER_DIR/pki"
LOGS="$CLUSTER_DIR/logs"
KUBECONFIG_ADMIN="$CLUSTER_DIR/kubeconfig"
CONTAINERD_SOCK="$RUN_DIR/containerd.sock"

NODE_NAME=avelon-node
# The node's address lives on `lo` as a /32 (no dummy devices on these machines): reachable from
# the host and, through the bridge's gateway, from every pod; it is never routed off the machine.
NODE_IP=10.202.0.1
POD_CIDR=10.200.0.0/24
SERVICE_CIDR=10.201.0.0/24
KUBE_SERVICE_IP=10.201.0.1
DNS_SERVICE_IP=10.201.0.10
CLUSTER_DOMAIN=cluster.local
BRIDGE=avelon0
APISERVER_PORT="${AVELON_CLUSTER_API_PORT:-6443}"
ETCD_PORT="${AVELON_CLUSTER_ETCD_PORT:-23791}"
ETCD_PEER_PORT="${AVELON_CLUSTER_ETCD_PEER_PORT:-23801}"
# NodePorts answer on 127.0.0.1 (kube-proxy's localhostNodePorts): how host traffic enters.
NODEPORT_RANGE=30000-32767

# Every daemon the scripts start, in start order; stop order is the reverse.
DAEMONS=(containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

export PATH="$BIN:/usr/local/sbin:/usr/sbin:/sbin:$PATH"
export KUBECONFIG="$KUBECONFIG_ADMIN"

step() { printf '==> cluster: %s\n' "$*" >&2; }
fail() { printf '==> cluster: ERROR: %s\n' "$*" >&2; exit 1; }

kubectl_() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }
crictl_() { "$BIN/crictl" --runtime-endpoint "unix://$CONTAINERD_SOCK" --image-endpoint "unix://$CONTAINERD_SOCK" "$@"; }
ctr_() { ctr --address "$CONTAINERD_SOCK" --namespace k8s.io "$@"; }

wait_until() {
  local what=$1 seconds=$2 deadline
  shift 2
  deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { step "timed out after ${seconds}s waiting for $what"; return 1; }
    sleep 0.5
  done
}
