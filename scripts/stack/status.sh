#!/usr/bin/env bash
# `make status`: one line per component: what it is, where, and whether it answers.
set -uo pipefail
here=$(dirname "$0")
source "$here/lib.sh"
source "$here/postgres.sh"
source "$here/pgbouncer.sh"
source "$here/services.sh"

row() { printf '  %-16s %-17s %-6s %s\n' "$1" "$2" "$3" "$4"; }
state() { if "$@" >/dev/null 2>&1; then echo up; else echo down; fi; }

replica_detail() {
  local lag
  lag=$(psql_socket "$AVELON_PG_PRIMARY_PORT" postgres -c \
    "SELECT state || ', replay lag ' || pg_wal_lsn_diff(sent_lsn, replay_lsn) || ' bytes' FROM pg_stat_replication LIMIT 1" 2>/dev/null)
  echo "${lag:-not streaming}"
}

echo
echo "Avelon local stack ($AVELON_DATA_DIR)"
row COMPONENT PORT STATE DETAIL
row postgres-primary "$AVELON_PG_PRIMARY_PORT" "$(state pg_running primary)" "$DATABASE_MIGRATION_URL"
row postgres-replica "$AVELON_PG_REPLICA_PORT" "$(state pg_running replica)" "$(replica_detail)"
row pgbouncer "$AVELON_PGBOUNCER_PORT" "$(state bouncer_ready)" "$DATABASE_URL (transaction pooling)"
row redis-cache "$AVELON_REDIS_CACHE_PORT" "$(state redis_cli "$AVELON_REDIS_CACHE_PORT" ping)" "$REDIS_CACHE_URL (allkeys-lru)"
row redis-queue "$AVELON_REDIS_QUEUE_PORT" "$(state redis_cli "$AVELON_REDIS_QUEUE_PORT" ping)" "$REDIS_QUEUE_URL (noeviction, AOF)"
services_status
echo
