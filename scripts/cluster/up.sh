#!/usr/bin/env bash
# Starts the single-node test cluster: containerd, etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubelet and kube-proxy as processes of this machine, then CoreDNS,
# metrics-server and local volumes as the node's first pods and objects. Prints the admin
# kubeconfig's path as the only line on stdout:   export KUBECONFIG=$(scripts/cluster/up.sh)
# Idempotent; cleans up first after a killed run. Needs root. docs/cluster.md says what it
# changes on the machine and how down.sh puts it back.
set -Eeuo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for part in env host-state pki config system-images addons daemons; do
  # shellcheck source=/dev/null
  source "$here/$part.sh"
done
[ "$(id -u)" -eq 0 ] || fail "the node needs root (it runs the kubelet and containerd)"
started=$SECONDS

all_running() {
  local d
  for d in "${DAEMONS[@]}"; do daemon_pid "$d" >/dev/null || return 1; done
  apiserver_ready
}

if [ -f "$OWNER_FILE" ]; then
  owner=$(cat "$OWNER_FILE")
  if [ "$owner" = "$CLUSTER_DIR" ] && all_running; then
    step "already running; importing images built since it started"
    build_system_images
    import_images
    echo "$KUBECONFIG_ADMIN"
    exit 0
  fi
  step "cleaning up after an earlier run that did not stop ($owner)"
  AVELON_CLUSTER_DIR="$owner" bash "$here/down.sh" >&2
fi

# AVELON_CLUSTER_KEEP_FAILED=1 leaves a failed start running, to look at it (then: down.sh).
if [ "${AVELON_CLUSTER_KEEP_FAILED:-0}" != 1 ]; then
  trap 'step "start failed: stopping what was started"; bash "$here/down.sh" >&2 || true' ERR
fi

bash "$here/deps.sh" >&2
mkdir -p "$STATE_DIR" "$LOGS" "$RUN_DIR"
record_host_state
echo "$CLUSTER_DIR" >"$OWNER_FILE"

if ! ip -4 addr show dev lo | grep -q " $NODE_IP/32 "; then
  ip addr add "$NODE_IP/32" dev lo
  touch "$STATE_DIR/node-ip.added"
fi
# Pods reach Services and each other across the bridge: forwarding on, bridged traffic through
# iptables (kube-proxy's rules). Both go back on teardown.
sysctl -q -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 >/dev/null

make_pki
build_system_images
write_configs

start_daemon containerd containerd --config "$CLUSTER_DIR/config/containerd.toml"
wait_until "containerd" 30 crictl_ info || daemon_died containerd
import_images

mkdir -p "$CLUSTER_DIR/etcd"
chmod 700 "$CLUSTER_DIR/etcd"
# No fsync: the data of a test node is worth less than the seconds fsync costs on a shared disk.
start_daemon etcd "$BIN/etcd" --name=avelon --data-dir="$CLUSTER_DIR/etcd" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="avelon=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync=true --log-level=warn
wait_until "etcd" 60 curl -fsS "http://127.0.0.1:$ETCD_PORT/health" || daemon_died etcd

start_daemon kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port="$APISERVER_PORT" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
  --service-cluster-ip-range="$SERVICE_CIDR" --service-node-port-range="$NODEPORT_RANGE" \
  --service-account-issuer="https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --enable-aggregator-routing=true --profiling=false
wait_until "kube-apiserver" 120 apiserver_ready || daemon_died kube-apiserver

start_daemon kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig="$CLUSTER_DIR/config/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$CLUSTER_DIR/config/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$CLUSTER_DIR/config/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --cluster-name=avelon --service-cluster-ip-range="$SERVICE_CIDR" \
  --horizontal-pod-autoscaler-sync-period=5s --profiling=false
start_daemon kube-scheduler "$BIN/kube-scheduler" \
  --kubeconfig="$CLUSTER_DIR/config/scheduler.kubeconfig" \
  --authentication-kubeconfig="$CLUSTER_DIR/config/scheduler.kubeconfig" \
  --authorization-kubeconfig="$CLUSTER_DIR/config/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --leader-elect=false --profiling=false
start_daemon kubelet "$BIN/kubelet" --config="$CLUSTER_DIR/config/kubelet.yaml" \
  --kubeconfig="$CLUSTER_DIR/config/kubelet.kubeconfig" --root-dir="$CLUSTER_DIR/kubelet" \
  --hostname-override="$NODE_NAME" --node-ip="$NODE_IP"
start_daemon kube-proxy "$BIN/kube-proxy" --config="$CLUSTER_DIR/config/kube-proxy.yaml"

node_ready() { kubectl_ get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' | grep -qx True; }
wait_until "the node to be Ready" 120 node_ready || { for d in kubelet kube-proxy; do daemon_pid "$d" >/dev/null || daemon_died "$d"; done; false; }

step "applying CoreDNS, metrics-server and local volumes"
apply_addons
for d in coredns metrics-server; do kubectl_ -n kube-system rollout status "deployment/$d" --timeout=180s >&2; done
metrics_ready() { kubectl_ get apiservice v1beta1.metrics.k8s.io -o jsonpath='{.status.conditions[?(@.type=="Available")].status}' | grep -qx True; }
wait_until "the metrics API" 120 metrics_ready

trap - ERR
step "ready in $((SECONDS - started))s: kubectl --kubeconfig $KUBECONFIG_ADMIN get pods -A"
echo "$KUBECONFIG_ADMIN"
