# Sourced by up.sh, down.sh and status.sh: the app processes listed in services.tsv, run in the
# background with a pid file and a log each, and judged healthy by an HTTP GET of their health path.
# AVELON_SERVICES=none starts no app, AVELON_SERVICES=api,worker only those (the tests start their own).
services_list() {
  local only=${AVELON_SERVICES:-all}
  grep -v -E '^(#|\s*$)' "$AVELON_ROOT/scripts/stack/services.tsv" | while IFS=$'\t' read -r name rest; do
    if [ "$only" = all ] || [[ ",$only," == *",$name,"* ]]; then printf '%s\t%s\n' "$name" "$rest"; fi
  done || true
}

service_pidfile() { echo "$AVELON_DATA_DIR/run/$1.pid"; }

service_healthy() { curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$1$2"; }

services_preflight() {
  local name portvar health cmd
  while IFS=$'\t' read -r name portvar health links cmd; do
    pid_alive "$(service_pidfile "$name")" || claim_port "$name" "${!portvar}" "$portvar"
  done < <(services_list)
}

services_up() {
  local name portvar health cmd port
  while IFS=$'\t' read -r name portvar health links cmd; do
    port=${!portvar}
    if pid_alive "$(service_pidfile "$name")"; then step "$name: already running on $port"; continue; fi
    step "$name: starting on $port"
    # `;` not `&&` after cd: with `&&` the whole list would be backgrounded and $! be a wrapper shell.
    (cd "$AVELON_ROOT"; PORT="$port" nohup bash -c "exec $cmd" >>"$AVELON_DATA_DIR/logs/$name.log" 2>&1 &
      echo $! >"$(service_pidfile "$name")")
    wait_until "$name" 60 service_healthy "$port" "$health" ||
      fail "$name did not become healthy on $port$health; see $AVELON_DATA_DIR/logs/$name.log"
  done < <(services_list)
}

services_down() {
  local name rest
  # Reverse order: consumers stop before what they consume.
  while IFS=$'\t' read -r name rest; do
    pid_alive "$(service_pidfile "$name")" || continue
    step "$name: stopping"
    stop_pid "$(service_pidfile "$name")"
  done < <(services_list | tac)
}

# "docs=/docs,api=/api/v1" -> "docs http://127.0.0.1:PORT/docs  api http://..."
service_links() {
  local port=$1 out="" label path pair
  IFS=',' read -ra pairs <<<"$2"
  for pair in "${pairs[@]}"; do
    label=${pair%%=*} path=${pair#*=}
    out+="$label http://127.0.0.1:$port$path  "
  done
  echo "${out%  }"
}

services_status() {
  local name portvar health cmd port
  while IFS=$'\t' read -r name portvar health links cmd; do
    port=${!portvar}
    row "$name" "$port" "$(state service_healthy "$port" "$health")" "$(service_links "$port" "$links")"
  done < <(services_list)
}
