#!/usr/bin/env bash
# Installs the Debian packages the local stack needs, only those missing. Usage: deps.sh [extra...]
set -euo pipefail
exec bash "$(dirname "$0")/../apt-ensure.sh" stack postgresql pgbouncer redis-server openssl iproute2 curl "$@"
