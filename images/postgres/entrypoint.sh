#!/bin/bash
# Starts Postgres 15 as PID 1 (exec, so it gets the stop signal itself). On an empty PGDATA it first
#   - without POSTGRES_PRIMARY_HOST: runs initdb (superuser `postgres`, password POSTGRES_PASSWORD),
#     listens on every address, asks scram-sha-256 passwords of every network client, and creates
#     the optional application role + database and replication role below;
#   - with POSTGRES_PRIMARY_HOST: clones that primary with pg_basebackup -R into a hot standby that
#     streams through its own replication slot (made with -C, reused when it already exists).
# Arguments are passed to postgres (e.g. -c max_connections=300).
#
# Environment (each secret also as <NAME>_FILE, a path to read it from):
#   POSTGRES_PASSWORD                 superuser password (required for a new primary)
#   POSTGRES_DB, POSTGRES_APP_USER,   a login role owning a database (also granted pg_monitor, to read
#   POSTGRES_APP_PASSWORD             replication state): what the apps connect as
#   POSTGRES_REPLICATION_USER,        a role with REPLICATION, for replicas (default user: replicator)
#   POSTGRES_REPLICATION_PASSWORD
#   POSTGRES_PRIMARY_HOST, POSTGRES_PRIMARY_PORT (5432)     make this a replica of that primary
#   POSTGRES_REPLICATION_SLOT         the replica's slot (default: from the host name, e.g. a pod's)
set -euo pipefail
log() { echo "entrypoint: $*" >&2; }

# NAME from NAME or from the file NAME_FILE names (Kubernetes secrets mounted as files).
file_env() {
  local var=$1 file_var="${1}_FILE"
  if [ -n "${!file_var:-}" ]; then
    export "$var"="$(<"${!file_var}")"
  fi
}
for v in POSTGRES_PASSWORD POSTGRES_APP_PASSWORD POSTGRES_REPLICATION_PASSWORD; do file_env "$v"; done
: "${PGDATA:=/var/lib/postgresql/data/pgdata}"
: "${POSTGRES_REPLICATION_USER:=replicator}"
socket_dir=/var/run/postgresql

init_primary() {
  [ -n "${POSTGRES_PASSWORD:-}" ] || {
    log "POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) is required to initialise $PGDATA"
    exit 1
  }
  log "initdb in $PGDATA"
  initdb -D "$PGDATA" -U postgres --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  # Inside the pod the socket is trusted; over the network every role needs its password.
  cat >"$PGDATA/pg_hba.conf" <<HBA
local  all          all           trust
local  replication  all           trust
host   all          all  all      scram-sha-256
host   replication  all  all      scram-sha-256
HBA
  cat >>"$PGDATA/postgresql.conf" <<CONF
# --- avelon image ---
listen_addresses = '*'
unix_socket_directories = '$socket_dir'
hot_standby_feedback = on
CONF
  pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
  local sql=()
  if [ -n "${POSTGRES_APP_USER:-}" ]; then
    sql+=("CREATE ROLE :\"app_user\" LOGIN PASSWORD :'app_password';" "GRANT pg_monitor TO :\"app_user\";")
    [ -z "${POSTGRES_DB:-}" ] || sql+=("CREATE DATABASE :\"db\" OWNER :\"app_user\";")
  elif [ -n "${POSTGRES_DB:-}" ]; then
    sql+=("CREATE DATABASE :\"db\";")
  fi
  if [ -n "${POSTGRES_REPLICATION_PASSWORD:-}" ]; then
    sql+=("CREATE ROLE :\"repl_user\" LOGIN REPLICATION PASSWORD :'repl_password';")
  fi
  # psql's variables quote the names and passwords, whatever characters they hold.
  printf '%s\n' "${sql[@]}" | psql -q -v ON_ERROR_STOP=1 -h "$socket_dir" -U postgres -d postgres \
    -v app_user="${POSTGRES_APP_USER:-}" -v app_password="${POSTGRES_APP_PASSWORD:-}" \
    -v db="${POSTGRES_DB:-}" -v repl_user="$POSTGRES_REPLICATION_USER" \
    -v repl_password="${POSTGRES_REPLICATION_PASSWORD:-}" >/dev/null
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  log "primary initialised"
}

init_replica() {
  local port=${POSTGRES_PRIMARY_PORT:-5432} slot=${POSTGRES_REPLICATION_SLOT:-} out
  [ -n "$slot" ] || slot=$(hostname | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_\n' '_')
  export PGPASSWORD="${POSTGRES_REPLICATION_PASSWORD:-}"
  log "waiting for the primary $POSTGRES_PRIMARY_HOST:$port"
  for _ in $(seq 1 60); do
    pg_isready -q -h "$POSTGRES_PRIMARY_HOST" -p "$port" && break
    sleep 1
  done
  log "pg_basebackup from $POSTGRES_PRIMARY_HOST:$port, slot $slot"
  local base=(pg_basebackup -h "$POSTGRES_PRIMARY_HOST" -p "$port" -U "$POSTGRES_REPLICATION_USER"
    -D "$PGDATA" -R -X stream -c fast -S "$slot")
  if ! out=$("${base[@]}" -C 2>&1); then
    # A replica rebuilt on an empty volume finds the slot its earlier self made: take it over.
    grep -q 'already exists' <<<"$out" || {
      echo "$out" >&2
      exit 1
    }
    log "slot $slot exists; reusing it"
    find "$PGDATA" -mindepth 1 -delete
    "${base[@]}"
  fi
  unset PGPASSWORD
  log "replica initialised"
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  if [ -n "${POSTGRES_PRIMARY_HOST:-}" ]; then init_replica; else init_primary; fi
fi
exec postgres -D "$PGDATA" "$@"
