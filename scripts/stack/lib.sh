# Sourced by the stack scripts: small helpers shared by up, down and status.
# shellcheck source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

step() { printf '==> %s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Postgres and PgBouncer refuse to run as root; as root we hand them to the `postgres` system user.
run_as_db() {
  # The system PATH only: root's own bin folders (/root/go/bin ...) are not searchable by postgres.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- env PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"; else "$@"; fi
}
own_by_db() {
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$@"; fi
}

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || fail "no PostgreSQL server binaries under /usr/lib/postgresql (run: make deps)"
  echo "$dir"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [ -f "$1" ] && kill -0 "$(head -n 1 "$1")" 2>/dev/null; }

# Refuses a port some other program holds, naming it, instead of failing later with a vague error.
claim_port() {
  local name=$1 port=$2 var=$3
  if port_in_use "$port"; then
    fail "port $port for $name is already taken by another process; stop it or set $var (or AVELON_PORT_BASE)"
  fi
}

wait_until() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

redis_cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }
psql_socket() { psql -h "$AVELON_PG_SOCKET_DIR" -p "$1" -U postgres -d "${2:-postgres}" -Atq "${@:3}"; }

# Sends TERM, waits up to 20 s, then KILL: `make down` must leave nothing running.
stop_pid() {
  local pidfile=$1 pid
  pid=$(head -n 1 "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

# Every port of the stack, for the "nothing left running" check of `make down`.
stack_ports() {
  echo "$AVELON_PG_PRIMARY_PORT $AVELON_PG_REPLICA_PORT $AVELON_PGBOUNCER_PORT $AVELON_REDIS_CACHE_PORT" \
    "$AVELON_REDIS_QUEUE_PORT $AVELON_SMTP_PORT $AVELON_API_PORT $AVELON_WORKER_PORT $AVELON_OPERATOR_PORT" \
    "$AVELON_DASHBOARD_PORT $AVELON_MAIL_PORT $AVELON_API_OPS_PORT $AVELON_DASHBOARD_OPS_PORT"
}
