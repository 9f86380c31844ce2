# Sourced by up.sh, down.sh and status.sh: the app processes listed in services.tsv, run in the
# background with a pid file and a log each, and judged ready by an HTTP GET of their readiness path on
# their ops port (/readyz of core's ops server).
# AVELON_SERVICES=none starts no app, AVELON_SERVICES=api,worker only those (the tests start their own).
services_list() {
  local only=${AVELON_SERVICES:-all}
  grep -v -E '^(#|\s*$)' "$AVELON_ROOT/scripts/stack/services.tsv" | while IFS=$'\t' read -r name rest; do
    if [ "$only" = all ] || [[ ",$only," == *",$name,"* ]]; then printf '%s\t%s\n' "$name" "$rest"; fi
  done || true
}

service_pidfile() { echo "$AVELON_DATA_DIR/run/$1.pid"; }

service_ready() { curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$1$2"; }

# The value of a port variable named in services.tsv; empty for "-" (no such port).
port_of() { if [ "$1" = - ]; then echo ""; else echo "${!1}"; fi; }

services_preflight() {
  local name portvar opsvar ready links cmd
  while IFS=$'\t' read -r name portvar opsvar ready links cmd; do
    pid_alive "$(service_pidfile "$name")" && continue
    [ "$portvar" = - ] || claim_port "$name" "${!portvar}" "$portvar"
    [ "$opsvar" = "$portvar" ] || claim_port "$name (ops)" "${!opsvar}" "$opsvar"
  done < <(services_list)
}

services_up() {
  local name portvar opsvar ready links cmd port ops
  while IFS=$'\t' read -r name portvar opsvar ready links cmd; do
    port=$(port_of "$portvar") ops=${!opsvar}
    if pid_alive "$(service_pidfile "$name")"; then step "$name: already running on $(ports_text "$port" "$ops")"; continue; fi
    step "$name: starting on $(ports_text "$port" "$ops")"
    # `;` not `&&` after cd: with `&&` the whole list would be backgrounded and $! be a wrapper shell.
    (cd "$AVELON_ROOT"; PORT="$port" OPS_PORT="$ops" nohup bash -c "exec $cmd" >>"$AVELON_DATA_DIR/logs/$name.log" 2>&1 &
      echo $! >"$(service_pidfile "$name")")
    wait_until "$name" 60 service_ready "$ops" "$ready" ||
      fail "$name did not become ready on $ops$ready; see $AVELON_DATA_DIR/logs/$name.log"
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

# "15410" and "15415" -> "15410 (ops 15415)"; no public port -> the ops port alone.
ports_text() {
  if [ -z "$1" ]; then echo "$2"; elif [ "$1" = "$2" ]; then echo "$1"; else echo "$1 (ops $2)"; fi
}

# "docs=ops:/docs,api=/api/v1" -> "docs http://127.0.0.1:OPS/docs  api http://127.0.0.1:PORT/api/v1"
service_links() {
  local port=$1 ops=$2 out="" label path pair
  IFS=',' read -ra pairs <<<"$3"
  for pair in "${pairs[@]}"; do
    label=${pair%%=*} path=${pair#*=}
    if [[ $path == ops:* ]]; then out+="$label http://127.0.0.1:$ops${path#ops:}  "; else out+="$label http://127.0.0.1:$port$path  "; fi
  done
  echo "${out%  }"
}

services_status() {
  local name portvar opsvar ready links cmd port ops
  while IFS=$'\t' read -r name portvar opsvar ready links cmd; do
    port=$(port_of "$portvar") ops=${!opsvar}
    row "$name" "$(ports_text "$port" "$ops")" "$(state service_ready "$ops" "$ready")" \
      "$(service_links "$port" "$ops" "$links")"
  done < <(services_list)
}
