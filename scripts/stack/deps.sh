#!/usr/bin/env bash
# Installs the Debian packages the local stack needs, only those missing. Usage: deps.sh [extra...]
set -euo pipefail
want=(postgresql pgbouncer redis-server openssl iproute2 curl "$@")
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "==> apt: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or old on a fresh machine; refresh once per install.
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "==> apt: done"
