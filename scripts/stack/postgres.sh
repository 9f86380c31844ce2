# Sourced by up.sh: a Postgres primary and one hot-standby replica streaming from it through a
# replication slot (so the primary keeps the WAL a stopped replica still needs).
pg_dir() { echo "$AVELON_DATA_DIR/pg/$1"; }

pg_running() { run_as_db "$(pg_bin)/pg_ctl" -D "$(pg_dir "$1")" status >/dev/null 2>&1; }

pg_start() {
  local name=$1 port=$2 var=$3
  if pg_running "$name"; then step "postgres $name: already running on $port"; return; fi
  claim_port "postgres $name" "$port" "$var"
  step "postgres $name: starting on $port"
  run_as_db "$(pg_bin)/pg_ctl" -D "$(pg_dir "$name")" -l "$AVELON_DATA_DIR/logs/pg-$name.log" -w -t 60 \
    -o "-p $port -k $AVELON_PG_SOCKET_DIR" start >/dev/null ||
    fail "postgres $name did not start; see $AVELON_DATA_DIR/logs/pg-$name.log"
}

pg_init_primary() {
  local dir; dir=$(pg_dir primary)
  [ -f "$dir/PG_VERSION" ] && return
  step "postgres primary: initdb in $dir"
  mkdir -p "$dir"; own_by_db "$dir"
  local pwfile="$AVELON_DATA_DIR/run/.pw"
  printf '%s\n' "$AVELON_DB_PASSWORD" >"$pwfile"; own_by_db "$pwfile"
  run_as_db "$(pg_bin)/initdb" -D "$dir" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  cat >>"$dir/postgresql.conf" <<CONF
# --- avelon local stack ---
listen_addresses = '127.0.0.1'
max_connections = 300
shared_buffers = 256MB
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
hot_standby_feedback = on
# Lets a replica catch up or be rebuilt without a slot lagging forever unnoticed.
max_slot_wal_keep_size = 4GB
log_min_duration_statement = 1000
CONF
  cat >"$dir/pg_hba.conf" <<HBA
local   all          all                     trust
host    replication  $AVELON_REPL_USER  127.0.0.1/32  scram-sha-256
host    all          all                127.0.0.1/32  scram-sha-256
HBA
  own_by_db "$dir"
  pg_start primary "$AVELON_PG_PRIMARY_PORT" AVELON_PG_PRIMARY_PORT
  psql_socket "$AVELON_PG_PRIMARY_PORT" postgres -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE ROLE $AVELON_DB_USER LOGIN PASSWORD '$AVELON_DB_PASSWORD';
CREATE ROLE $AVELON_REPL_USER LOGIN REPLICATION PASSWORD '$AVELON_REPL_PASSWORD';
CREATE DATABASE $AVELON_DB_NAME OWNER $AVELON_DB_USER;
-- Lets the app read replication state (pg_stat_replication, replay positions) without superuser.
GRANT pg_monitor TO $AVELON_DB_USER;
SQL
}

pg_init_replica() {
  local dir; dir=$(pg_dir replica)
  [ -f "$dir/PG_VERSION" ] && return
  step "postgres replica: pg_basebackup from the primary (slot avelon_replica1)"
  rm -rf "$dir"; mkdir -p "$dir"; chmod 700 "$dir"; own_by_db "$dir"
  # A slot left by an earlier replica of this stack would make -C fail.
  psql_socket "$AVELON_PG_PRIMARY_PORT" postgres -c \
    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'avelon_replica1'" >/dev/null
  run_as_db env PGPASSWORD="$AVELON_REPL_PASSWORD" "$(pg_bin)/pg_basebackup" -h 127.0.0.1 \
    -p "$AVELON_PG_PRIMARY_PORT" -U "$AVELON_REPL_USER" -D "$dir" -R -X stream -c fast -C -S avelon_replica1 >/dev/null ||
    fail "pg_basebackup failed"
  printf "\n# --- avelon replica ---\ncluster_name = 'avelon_replica1'\n" >>"$dir/postgresql.conf"
}

pg_replication_ok() {
  [ "$(psql_socket "$AVELON_PG_PRIMARY_PORT" postgres -c \
    "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" -ge 1 ]
}

pg_up() {
  mkdir -p "$AVELON_PG_SOCKET_DIR"; own_by_db "$AVELON_PG_SOCKET_DIR"
  pg_init_primary
  pg_start primary "$AVELON_PG_PRIMARY_PORT" AVELON_PG_PRIMARY_PORT
  pg_init_replica
  pg_start replica "$AVELON_PG_REPLICA_PORT" AVELON_PG_REPLICA_PORT
  wait_until "replication" 30 pg_replication_ok || fail "the replica is not streaming from the primary"
  step "postgres: replica streaming from the primary"
}

pg_down() {
  local name
  for name in replica primary; do
    if pg_running "$name"; then
      step "postgres $name: stopping"
      run_as_db "$(pg_bin)/pg_ctl" -D "$(pg_dir "$name")" -m fast -w -t 60 stop >/dev/null
    fi
  done
}
