#!/usr/bin/env bash
# Starts a real, single-node Kubernetes control plane for tests: etcd + kube-apiserver
# (no controller-manager, no scheduler, no kubelet -- see docs/tools.md).
#
# Prints progress on stderr and, as the only line on stdout, the path of an admin
# kubeconfig, so this works:
#     export KUBECONFIG="$(scripts/kube/start.sh)"
# Idempotent: when the control plane is already running and healthy it only prints
# the kubeconfig path.
#
# Environment (all optional):
#   AVELON_KUBE_DIR            data, certs, logs, pid files (default: <repo>/.data/kube)
#   AVELON_ETCD_PORT           etcd client port            (default: 23790)
#   AVELON_ETCD_PEER_PORT      etcd peer port              (default: 23800)
#   AVELON_KUBE_PORT           kube-apiserver https port   (default: 16443)
#   AVELON_KUBE_START_TIMEOUT  seconds to wait for /readyz (default: 180)
#   AVELON_TOOLS_DIR           where install.sh put the binaries (default: <repo>/.tools)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

KUBE_DIR="${AVELON_KUBE_DIR:-$repo/.data/kube}"
ETCD_PORT="${AVELON_ETCD_PORT:-23790}"
ETCD_PEER_PORT="${AVELON_ETCD_PEER_PORT:-23800}"
KUBE_PORT="${AVELON_KUBE_PORT:-16443}"
TIMEOUT="${AVELON_KUBE_START_TIMEOUT:-180}"
BIN="${AVELON_TOOLS_DIR:-$repo/.tools}/bin"

# Service network of the fake cluster: only used for ClusterIP allocation; nothing
# routes to it (no kube-proxy).
SERVICE_CIDR=10.96.0.0/16
SERVICE_FIRST_IP=10.96.0.1

PKI="$KUBE_DIR/pki"
KUBECONFIG_OUT="$KUBE_DIR/kubeconfig"
TOKENS="$KUBE_DIR/tokens.csv"
ETCD_PID="$KUBE_DIR/etcd.pid"
KUBE_PID="$KUBE_DIR/kube-apiserver.pid"
ETCD_LOG="$KUBE_DIR/etcd.log"
KUBE_LOG="$KUBE_DIR/kube-apiserver.log"

log() { printf '==> kube: %s\n' "$*" >&2; }
die() { printf '==> kube: ERROR: %s\n' "$*" >&2; exit 1; }

# pid_alive PIDFILE NAME -> 0 when the pid file names a live process running NAME.
pid_alive() {
  local pidfile="$1" name="$2" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$name"
}

# started_alive PIDFILE -> 0 while the process just started lives. Only kill -0: right after
# `setsid ... &` the child may not have exec'd yet, so its cmdline is still this script's.
started_alive() {
  kill -0 "$(cat "$1" 2>/dev/null || echo 0)" 2>/dev/null
}

port_in_use() {
  ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

admin_token() {
  cut -d, -f1 "$TOKENS" | head -n1
}

etcd_healthy() {
  curl -fsS --max-time 3 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'
}

kube_ready() {
  [[ -f "$TOKENS" && -f "$PKI/ca.crt" ]] || return 1
  [[ "$(curl -sS --max-time 5 --cacert "$PKI/ca.crt" \
    -H "Authorization: Bearer $(admin_token)" \
    "https://127.0.0.1:$KUBE_PORT/readyz" 2>/dev/null)" == "ok" ]]
}

show_log_tail() {
  local file="$1"
  printf '==> kube: ---- last 40 lines of %s ----\n' "$file" >&2
  tail -n 40 "$file" >&2 2>/dev/null || true
  printf '==> kube: ---- end of %s ----\n' "$file" >&2
}

# stop_pid PIDFILE NAME: used to clean up after a failed start.
stop_pid() {
  local pidfile="$1" name="$2" pid i
  if pid_alive "$pidfile" "$name"; then
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# start_bg LOGFILE PIDFILE CMD...: starts CMD detached (own session, no inherited
# stdio), so it outlives this script and never holds the caller's pipes open.
start_bg() {
  local logfile="$1" pidfile="$2"
  shift 2
  # 9>&-: do not leak the start.sh lock fd into the long-running daemon.
  setsid "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  echo $! >"$pidfile"
}

# --- certificates, tokens, kubeconfig -------------------------------------------

gen_pki() {
  command -v openssl >/dev/null || die "openssl not found"
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  if [[ ! -f "$PKI/ca.crt" || ! -f "$PKI/ca.key" ]]; then
    log "generating CA ($PKI/ca.crt)"
    cat >"$PKI/ca.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca
[dn]
CN = avelon-test-ca
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
EOF
    openssl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days 3650 \
      -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -config "$PKI/ca.cnf" 2>/dev/null
    # A new CA invalidates any serving cert signed by an old one.
    rm -f "$PKI/apiserver.crt" "$PKI/apiserver.key"
  fi
  if [[ ! -f "$PKI/apiserver.crt" || ! -f "$PKI/apiserver.key" ]]; then
    log "generating kube-apiserver serving certificate (127.0.0.1, localhost)"
    cat >"$PKI/apiserver.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = kube-apiserver
[v3_req]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = @alt
[alt]
IP.1 = 127.0.0.1
IP.2 = $SERVICE_FIRST_IP
DNS.1 = localhost
DNS.2 = kubernetes
DNS.3 = kubernetes.default
DNS.4 = kubernetes.default.svc
DNS.5 = kubernetes.default.svc.cluster.local
EOF
    openssl req -new -nodes -newkey rsa:2048 -sha256 \
      -keyout "$PKI/apiserver.key" -out "$PKI/apiserver.csr" -config "$PKI/apiserver.cnf" 2>/dev/null
    openssl x509 -req -in "$PKI/apiserver.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
      -CAcreateserial -days 3650 -sha256 -extfile "$PKI/apiserver.cnf" -extensions v3_req \
      -out "$PKI/apiserver.crt" 2>/dev/null
    rm -f "$PKI/apiserver.csr"
  fi
  if [[ ! -f "$PKI/sa.key" || ! -f "$PKI/sa.pub" ]]; then
    log "generating service-account signing key pair"
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  chmod 600 "$PKI"/*.key
}

gen_tokens() {
  if [[ ! -s "$TOKENS" ]]; then
    log "generating static admin token ($TOKENS)"
    # token,user,uid,"group1,group2"
    printf '%s,avelon-admin,avelon-admin,"system:masters"\n' "$(openssl rand -hex 32)" >"$TOKENS"
    chmod 600 "$TOKENS"
  fi
}

write_kubeconfig() {
  local tmp="$KUBECONFIG_OUT.tmp.$$"
  cat >"$tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: avelon-test
  cluster:
    server: https://127.0.0.1:$KUBE_PORT
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: avelon-admin
  user:
    token: $(admin_token)
contexts:
- name: avelon-test
  context:
    cluster: avelon-test
    user: avelon-admin
    namespace: default
current-context: avelon-test
EOF
  chmod 600 "$tmp"
  mv -f "$tmp" "$KUBECONFIG_OUT"
}

# --- processes --------------------------------------------------------------------

start_etcd() {
  if pid_alive "$ETCD_PID" "$BIN/etcd"; then
    etcd_healthy && return 0
    log "etcd (pid $(cat "$ETCD_PID")) is running but not healthy yet; waiting"
  else
    rm -f "$ETCD_PID"
    if port_in_use "$ETCD_PORT" || port_in_use "$ETCD_PEER_PORT"; then
      die "port $ETCD_PORT or $ETCD_PEER_PORT is already in use by another process (set AVELON_ETCD_PORT / AVELON_ETCD_PEER_PORT)"
    fi
    log "starting etcd on 127.0.0.1:$ETCD_PORT (log: $ETCD_LOG)"
    mkdir -p "$KUBE_DIR/etcd"
    chmod 700 "$KUBE_DIR/etcd"
    start_bg "$ETCD_LOG" "$ETCD_PID" "$BIN/etcd" \
      --name=avelon \
      --data-dir="$KUBE_DIR/etcd" \
      --listen-client-urls="http://127.0.0.1:$ETCD_PORT" \
      --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
      --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
      --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
      --initial-cluster="avelon=http://127.0.0.1:$ETCD_PEER_PORT" \
      --initial-cluster-state=new \
      --unsafe-no-fsync=true \
      --log-level=warn
  fi
  local deadline=$((SECONDS + 60))
  until etcd_healthy; do
    if ! started_alive "$ETCD_PID"; then
      show_log_tail "$ETCD_LOG"
      die "etcd exited during startup (log: $ETCD_LOG)"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail "$ETCD_LOG"
      stop_pid "$ETCD_PID" "$BIN/etcd"
      die "etcd did not become healthy within 60s (log: $ETCD_LOG)"
    fi
    sleep 0.5
  done
  log "etcd is healthy (pid $(cat "$ETCD_PID"))"
}

start_kube_apiserver() {
  if pid_alive "$KUBE_PID" "$BIN/kube-apiserver"; then
    log "kube-apiserver (pid $(cat "$KUBE_PID")) is running; waiting for /readyz"
  else
    rm -f "$KUBE_PID"
    if port_in_use "$KUBE_PORT"; then
      die "port $KUBE_PORT is already in use by another process (set AVELON_KUBE_PORT)"
    fi
    log "starting kube-apiserver on https://127.0.0.1:$KUBE_PORT (log: $KUBE_LOG)"
    start_bg "$KUBE_LOG" "$KUBE_PID" "$BIN/kube-apiserver" \
      --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
      --bind-address=127.0.0.1 \
      --advertise-address=127.0.0.1 \
      --secure-port="$KUBE_PORT" \
      --tls-cert-file="$PKI/apiserver.crt" \
      --tls-private-key-file="$PKI/apiserver.key" \
      --client-ca-file="$PKI/ca.crt" \
      --token-auth-file="$TOKENS" \
      --authorization-mode=RBAC \
      --service-cluster-ip-range="$SERVICE_CIDR" \
      --service-account-issuer=https://kubernetes.default.svc.cluster.local \
      --service-account-key-file="$PKI/sa.pub" \
      --service-account-signing-key-file="$PKI/sa.key" \
      --allow-privileged=true \
      --endpoint-reconciler-type=none \
      --cert-dir="$KUBE_DIR/apiserver-certs" \
      --profiling=false \
      --v=1
  fi
  local deadline=$((SECONDS + TIMEOUT)) start=$SECONDS
  until kube_ready; do
    if ! started_alive "$KUBE_PID"; then
      show_log_tail "$KUBE_LOG"
      rm -f "$KUBE_PID"
      die "kube-apiserver exited during startup (log: $KUBE_LOG)"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail "$KUBE_LOG"
      printf '==> kube: /readyz?verbose says:\n' >&2
      curl -sS --max-time 5 --cacert "$PKI/ca.crt" -H "Authorization: Bearer $(admin_token)" \
        "https://127.0.0.1:$KUBE_PORT/readyz?verbose" >&2 2>/dev/null || true
      stop_pid "$KUBE_PID" "$BIN/kube-apiserver"
      die "kube-apiserver not ready within ${TIMEOUT}s (log: $KUBE_LOG; raise AVELON_KUBE_START_TIMEOUT if the machine is just slow)"
    fi
    sleep 1
  done
  log "kube-apiserver is ready (pid $(cat "$KUBE_PID"), took $((SECONDS - start))s)"
}

main() {
  command -v curl >/dev/null || die "curl not found"
  mkdir -p "$KUBE_DIR"

  # Fast path: everything already up.
  if pid_alive "$ETCD_PID" "$BIN/etcd" && pid_alive "$KUBE_PID" "$BIN/kube-apiserver" && kube_ready; then
    [[ -f "$KUBECONFIG_OUT" ]] || write_kubeconfig
    log "control plane already running on https://127.0.0.1:$KUBE_PORT"
    printf '%s\n' "$KUBECONFIG_OUT"
    return 0
  fi

  # Serialize concurrent start.sh runs on the same directory.
  exec 9>"$KUBE_DIR/.start.lock"
  flock 9

  # Binaries (no-op when already installed; output kept off stdout).
  "$repo/scripts/tools/install.sh" etcd kube-apiserver >&2

  gen_pki
  gen_tokens
  start_etcd
  start_kube_apiserver
  write_kubeconfig
  log "kubeconfig: $KUBECONFIG_OUT (user avelon-admin, group system:masters)"
  printf '%s\n' "$KUBECONFIG_OUT"
}

main "$@"
