#!/usr/bin/env bash
# `make up`: starts the local stack (idempotent), migrates, loads demo data once, prints the URLs.
set -euo pipefail
here=$(dirname "$0")
source "$here/lib.sh"
source "$here/postgres.sh"
source "$here/pgbouncer.sh"
source "$here/redis.sh"
source "$here/services.sh"

# Every port is checked before anything starts, so a taken port fails fast and names itself.
pg_running primary || claim_port "postgres primary" "$AVELON_PG_PRIMARY_PORT" AVELON_PG_PRIMARY_PORT
pg_running replica || claim_port "postgres replica" "$AVELON_PG_REPLICA_PORT" AVELON_PG_REPLICA_PORT
pid_alive "$(bouncer_dir)/pgbouncer.pid" || claim_port pgbouncer "$AVELON_PGBOUNCER_PORT" AVELON_PGBOUNCER_PORT
pid_alive "$(redis_dir cache)/redis.pid" || claim_port "redis cache" "$AVELON_REDIS_CACHE_PORT" AVELON_REDIS_CACHE_PORT
pid_alive "$(redis_dir queue)/redis.pid" || claim_port "redis queue" "$AVELON_REDIS_QUEUE_PORT" AVELON_REDIS_QUEUE_PORT
services_preflight

mkdir -p "$AVELON_DATA_DIR/logs" "$AVELON_PG_SOCKET_DIR"
chmod 755 "$AVELON_DATA_DIR"
own_by_db "$AVELON_DATA_DIR/logs"
pg_up
bouncer_up
redis_up

node "$AVELON_ROOT/core/src/db/migrate-cli.ts"
if [ "${AVELON_DEMO_DATA:-default}" != "none" ]; then
  node "$AVELON_ROOT/core/src/demo-data/cli.ts" --size "${AVELON_DEMO_DATA:-default}"
fi

services_up
bash "$here/status.sh"
