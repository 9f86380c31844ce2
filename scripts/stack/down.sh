#!/usr/bin/env bash
# `make down`: stops everything `make up` started; the data stays for the next `make up`.
set -euo pipefail
here=$(dirname "$0")
source "$here/lib.sh"
source "$here/postgres.sh"
source "$here/pgbouncer.sh"
source "$here/redis.sh"
source "$here/services.sh"

services_down
bouncer_down
pg_down
redis_down
left=()
for port in $(stack_ports); do port_in_use "$port" && left+=("$port"); done
[ ${#left[@]} -eq 0 ] || fail "still listening after stop: port(s) ${left[*]}"
step "stack stopped, nothing left listening (data kept in $AVELON_DATA_DIR; make clean removes it)"
