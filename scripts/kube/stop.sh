#!/usr/bin/env bash
# Stops the test control plane started by scripts/kube/start.sh (kube-apiserver
# first, then etcd), using the pid files in AVELON_KUBE_DIR, and waits for both to
# exit. Safe to run when nothing is running.
#
# Usage:
#   scripts/kube/stop.sh           # stop, keep etcd data, certs and token
#   scripts/kube/stop.sh --purge   # stop and delete AVELON_KUBE_DIR entirely
#
# Environment: AVELON_KUBE_DIR (default: <repo>/.data/kube)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
KUBE_DIR="${AVELON_KUBE_DIR:-$repo/.data/kube}"

log() { printf '==> kube: %s\n' "$*" >&2; }

# stop_one NAME: NAME is the binary's base name; the pid file is $KUBE_DIR/NAME.pid.
stop_one() {
  local name="$1" pidfile="$KUBE_DIR/$1.pid" pid i
  if [[ ! -f "$pidfile" ]]; then
    log "$name not running"
    return 0
  fi
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  # Only signal the pid if it still is our process (pids get reused).
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "/$name"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do # up to 30s
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) ignored SIGTERM for 30s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
      done
    fi
    log "$name stopped"
  else
    log "$name not running (stale pid file removed)"
  fi
  rm -f "$pidfile"
}

stop_one kube-apiserver
stop_one etcd

if [[ "${1:-}" == "--purge" ]]; then
  log "deleting $KUBE_DIR"
  rm -rf "$KUBE_DIR"
fi
