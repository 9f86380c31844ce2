#!/usr/bin/env bash
# Starts or stops one component of a running stack: `ctl.sh replica stop`. The fault tests use it
# (replica down, Redis down) and so can a developer.
set -euo pipefail
here=$(dirname "$0")
source "$here/lib.sh"
source "$here/postgres.sh"
source "$here/pgbouncer.sh"
source "$here/redis.sh"

component=${1:?usage: ctl.sh primary|replica|pgbouncer|redis-cache|redis-queue start|stop}
action=${2:?usage: ctl.sh COMPONENT start|stop}
case "$component:$action" in
  primary:start) pg_start primary "$AVELON_PG_PRIMARY_PORT" AVELON_PG_PRIMARY_PORT ;;
  replica:start) pg_start replica "$AVELON_PG_REPLICA_PORT" AVELON_PG_REPLICA_PORT ;;
  primary:stop | replica:stop)
    run_as_db "$(pg_bin)/pg_ctl" -D "$(pg_dir "$component")" -m immediate -w stop >/dev/null ;;
  pgbouncer:start) bouncer_up ;;
  pgbouncer:stop) bouncer_down ;;
  redis-cache:start | redis-queue:start) redis_up ;;
  redis-cache:stop | redis-queue:stop) stop_pid "$(redis_dir "${component#redis-}")/redis.pid" ;;
  *) fail "unknown component or action: $component $action" ;;
esac
