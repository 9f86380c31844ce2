# Sourced by up.sh: PgBouncer in transaction pooling mode in front of the primary.
bouncer_dir() { echo "$AVELON_DATA_DIR/pgbouncer"; }

bouncer_config() {
  local dir; dir=$(bouncer_dir)
  mkdir -p "$dir"
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
$AVELON_DB_NAME = host=127.0.0.1 port=$AVELON_PG_PRIMARY_PORT dbname=$AVELON_DB_NAME

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $AVELON_PGBOUNCER_PORT
unix_socket_dir = $AVELON_PG_SOCKET_DIR
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
; Transaction pooling: a server connection is lent for one transaction, so session state
; (SET, named prepared statements, advisory session locks) must never be relied on by the apps.
pool_mode = transaction
default_pool_size = ${AVELON_PGBOUNCER_POOL_SIZE:-20}
max_client_conn = 2000
server_reset_query =
; After a failed login to the server (the primary restarting), retry after 1 s, not the default 15 s:
; until then every new client login is refused, so writes would fail for 15 s after the primary is back.
server_login_retry = 1
ignore_startup_parameters = extra_float_digits,options
admin_users = $AVELON_DB_USER
stats_users = $AVELON_DB_USER
pidfile = $dir/pgbouncer.pid
logfile = $AVELON_DATA_DIR/logs/pgbouncer.log
INI
  printf '"%s" "%s"\n' "$AVELON_DB_USER" "$AVELON_DB_PASSWORD" >"$dir/userlist.txt"
  chmod 600 "$dir/userlist.txt"
  own_by_db "$dir"
}

bouncer_ready() {
  PGPASSWORD="$AVELON_DB_PASSWORD" psql -h 127.0.0.1 -p "$AVELON_PGBOUNCER_PORT" -U "$AVELON_DB_USER" \
    -d "$AVELON_DB_NAME" -Atqc 'SELECT 1'
}

bouncer_up() {
  if pid_alive "$(bouncer_dir)/pgbouncer.pid"; then step "pgbouncer: already running on $AVELON_PGBOUNCER_PORT"; return; fi
  claim_port pgbouncer "$AVELON_PGBOUNCER_PORT" AVELON_PGBOUNCER_PORT
  bouncer_config
  step "pgbouncer: starting on $AVELON_PGBOUNCER_PORT (transaction pooling)"
  run_as_db pgbouncer -d -q "$(bouncer_dir)/pgbouncer.ini" || fail "pgbouncer did not start; see $AVELON_DATA_DIR/logs/pgbouncer.log"
  wait_until pgbouncer 20 bouncer_ready || fail "pgbouncer does not answer; see $AVELON_DATA_DIR/logs/pgbouncer.log"
}

bouncer_down() {
  local pidfile; pidfile="$(bouncer_dir)/pgbouncer.pid"
  pid_alive "$pidfile" || return 0
  step "pgbouncer: stopping"
  stop_pid "$pidfile"
}
