#!/bin/sh
# Starts redis-server as PID 1 (exec, so it gets SIGTERM itself) in the foreground, logging to
# stdout, with its data in /data. Arguments are passed on after the settings below and win over them
# (e.g. --maxmemory-policy noeviction --appendonly yes).
#
# Environment:
#   REDIS_PORT (6379)
#   REDIS_PASSWORD or REDIS_PASSWORD_FILE   requirepass; without one, protected mode is off so other
#                                           pods can connect (the Service and NetworkPolicy guard it)
#   REDIS_MAXMEMORY, REDIS_MAXMEMORY_POLICY e.g. 256mb and allkeys-lru for a cache
#   REDIS_APPENDONLY                        yes for the queue store (acknowledged jobs survive a restart)
set -eu
if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then REDIS_PASSWORD=$(cat "$REDIS_PASSWORD_FILE"); fi

defaults="--port ${REDIS_PORT:-6379} --bind 0.0.0.0 --dir /data"
if [ -n "${REDIS_PASSWORD:-}" ]; then
  # Not on the command line (visible in ps): as the first line of the config read from stdin.
  auth="requirepass \"$(printf '%s' "$REDIS_PASSWORD" | sed 's/[\\"]/\\&/g')\""
else
  auth="protected-mode no"
fi
[ -z "${REDIS_MAXMEMORY:-}" ] || defaults="$defaults --maxmemory $REDIS_MAXMEMORY"
[ -z "${REDIS_MAXMEMORY_POLICY:-}" ] || defaults="$defaults --maxmemory-policy $REDIS_MAXMEMORY_POLICY"
[ -z "${REDIS_APPENDONLY:-}" ] || defaults="$defaults --appendonly $REDIS_APPENDONLY"

# redis-server reads a config file ("-" = stdin) and then its arguments; settings go in as lines.
# shellcheck disable=SC2086 # $defaults is a list of simple words built above
exec redis-server - $defaults "$@" <<CONF
$auth
CONF
