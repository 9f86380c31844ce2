# Sourced by the stack scripts: where the local stack lives and which ports it owns.
# Every port can be set on its own; by default they are AVELON_PORT_BASE plus a fixed offset,
# so a second stack (the tests') only needs another base.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export AVELON_ROOT="$root"
export AVELON_DATA_DIR="${AVELON_DATA_DIR:-$root/.data/stack}"
base="${AVELON_PORT_BASE:-15400}"
export AVELON_PG_PRIMARY_PORT="${AVELON_PG_PRIMARY_PORT:-$((base + 1))}"
export AVELON_PG_REPLICA_PORT="${AVELON_PG_REPLICA_PORT:-$((base + 2))}"
export AVELON_PGBOUNCER_PORT="${AVELON_PGBOUNCER_PORT:-$((base + 3))}"
export AVELON_REDIS_CACHE_PORT="${AVELON_REDIS_CACHE_PORT:-$((base + 4))}"
export AVELON_REDIS_QUEUE_PORT="${AVELON_REDIS_QUEUE_PORT:-$((base + 5))}"
export AVELON_SMTP_PORT="${AVELON_SMTP_PORT:-$((base + 6))}"
export AVELON_API_PORT="${AVELON_API_PORT:-$((base + 10))}"
export AVELON_WORKER_PORT="${AVELON_WORKER_PORT:-$((base + 11))}"
export AVELON_OPERATOR_PORT="${AVELON_OPERATOR_PORT:-$((base + 12))}"
export AVELON_DASHBOARD_PORT="${AVELON_DASHBOARD_PORT:-$((base + 13))}"
export AVELON_MAIL_PORT="${AVELON_MAIL_PORT:-$((base + 14))}"
# The ops servers (probes, /metrics) of the apps with a public port too; the worker's and the
# operator's only port is their ops server.
export AVELON_API_OPS_PORT="${AVELON_API_OPS_PORT:-$((base + 15))}"
export AVELON_DASHBOARD_OPS_PORT="${AVELON_DASHBOARD_OPS_PORT:-$((base + 16))}"

# Credentials of a local development stack only; a real installation gets them from secrets.
export AVELON_DB_NAME=avelon AVELON_DB_USER=avelon AVELON_DB_PASSWORD=avelon
export AVELON_REPL_USER=replicator AVELON_REPL_PASSWORD=replicator
export AVELON_PG_SOCKET_DIR="$AVELON_DATA_DIR/run"

# The URLs the apps read (see docs/configuration.md): writes through PgBouncer, reads from the replica,
# migrations straight to the primary (DDL and advisory locks do not belong behind a transaction pooler).
db_auth="$AVELON_DB_USER:$AVELON_DB_PASSWORD@127.0.0.1"
export DATABASE_URL="postgres://$db_auth:$AVELON_PGBOUNCER_PORT/$AVELON_DB_NAME"
export DATABASE_REPLICA_URLS="postgres://$db_auth:$AVELON_PG_REPLICA_PORT/$AVELON_DB_NAME"
export DATABASE_MIGRATION_URL="postgres://$db_auth:$AVELON_PG_PRIMARY_PORT/$AVELON_DB_NAME"
export REDIS_CACHE_URL="redis://127.0.0.1:$AVELON_REDIS_CACHE_PORT"
export REDIS_QUEUE_URL="redis://127.0.0.1:$AVELON_REDIS_QUEUE_PORT"
