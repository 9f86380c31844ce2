# Sourced by up.sh, down.sh and status.sh: the node's daemons, started detached with a pid file
# each, and recognised as ours only when that pid's command line names $CLUSTER_DIR (a pid file
# outliving its process must never make the scripts signal someone else's).

pid_file() { echo "$STATE_DIR/$1.pid"; }

daemon_pid() { # NAME -> prints the pid when the daemon runs and is ours
  local file pid
  file=$(pid_file "$1")
  [ -s "$file" ] || return 1
  pid=$(cat "$file")
  [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$CLUSTER_DIR" || return 1
  echo "$pid"
}

start_daemon() { # NAME COMMAND...
  local name=$1
  shift
  step "starting $name (log: $LOGS/$name.log)"
  # Own session and no inherited descriptors: the daemon outlives this script and never holds
  # the caller's pipes open.
  setsid "$@" </dev/null >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$(pid_file "$name")"
}

stop_daemon() { # NAME
  local pid i
  pid=$(daemon_pid "$1") || { rm -f "$(pid_file "$1")"; return 0; }
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$(pid_file "$1")"
}

daemon_died() { # NAME: shows its log tail and fails
  step "$1 is not running; last lines of $LOGS/$1.log:"
  tail -n 30 "$LOGS/$1.log" >&2 || true
  return 1
}

apiserver_ready() {
  curl -fsS --max-time 3 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://$NODE_IP:$APISERVER_PORT/readyz" 2>/dev/null | grep -qx ok
}
