#!/bin/sh
# Starts PgBouncer as PID 1 (exec, so it gets SIGTERM itself), in the foreground, logging to stderr.
# With a mounted /etc/pgbouncer/pgbouncer.ini (PGBOUNCER_CONFIG) it runs that file as it is; otherwise
# it writes one from the environment, for one database behind a transaction pool:
#   PGBOUNCER_DB_HOST, PGBOUNCER_DB_NAME     the server and database (required)
#   PGBOUNCER_DB_PORT (5432)
#   PGBOUNCER_USER, PGBOUNCER_PASSWORD       the one user clients log in as, also used towards the
#     (or PGBOUNCER_PASSWORD_FILE)           server (scram-sha-256 both ways)
#   PGBOUNCER_PORT (6432), PGBOUNCER_POOL_MODE (transaction), PGBOUNCER_DEFAULT_POOL_SIZE (20),
#   PGBOUNCER_MAX_CLIENT_CONN (2000)
set -eu
config=${PGBOUNCER_CONFIG:-/etc/pgbouncer/pgbouncer.ini}
if [ -f "$config" ]; then exec pgbouncer "$config"; fi

for v in PGBOUNCER_DB_HOST PGBOUNCER_DB_NAME PGBOUNCER_USER; do
  eval "[ -n \"\${$v:-}\" ]" || {
    echo "entrypoint: $v is required (or mount $config)" >&2
    exit 1
  }
done
if [ -n "${PGBOUNCER_PASSWORD_FILE:-}" ]; then PGBOUNCER_PASSWORD=$(cat "$PGBOUNCER_PASSWORD_FILE"); fi
run=/var/run/pgbouncer
umask 077
# userlist.txt quotes with "; a " inside a name or password is doubled.
printf '"%s" "%s"\n' "$(printf '%s' "$PGBOUNCER_USER" | sed 's/"/""/g')" \
  "$(printf '%s' "${PGBOUNCER_PASSWORD:-}" | sed 's/"/""/g')" >"$run/userlist.txt"
cat >"$run/pgbouncer.ini" <<INI
[databases]
$PGBOUNCER_DB_NAME = host=$PGBOUNCER_DB_HOST port=${PGBOUNCER_DB_PORT:-5432} dbname=$PGBOUNCER_DB_NAME

[pgbouncer]
listen_addr = *
listen_port = ${PGBOUNCER_PORT:-6432}
unix_socket_dir = $run
auth_type = scram-sha-256
auth_file = $run/userlist.txt
; Transaction pooling: a server connection is lent for one transaction, so session state
; (SET, named prepared statements, advisory session locks) must never be relied on by the apps.
pool_mode = ${PGBOUNCER_POOL_MODE:-transaction}
default_pool_size = ${PGBOUNCER_DEFAULT_POOL_SIZE:-20}
max_client_conn = ${PGBOUNCER_MAX_CLIENT_CONN:-2000}
server_reset_query =
; After a failed login to the server (the primary restarting), retry after 1 s, not the default 15 s:
; until then every new client login is refused, so writes would fail for 15 s after the primary is back.
server_login_retry = 1
ignore_startup_parameters = extra_float_digits,options
admin_users = $PGBOUNCER_USER
stats_users = $PGBOUNCER_USER
INI
exec pgbouncer "$run/pgbouncer.ini"
