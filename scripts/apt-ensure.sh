#!/usr/bin/env bash
# Installs the named Debian packages that are not installed yet, and nothing when all are:
#   scripts/apt-ensure.sh LABEL PACKAGE...
# LABEL prefixes the progress lines ("stack", "images", "cluster"). Another apt run (a parallel
# make target) may hold the lock: wait for it rather than fail.
set -euo pipefail
label=$1
shift
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "==> $label: apt: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or old on a fresh machine; refresh once per install.
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "==> $label: apt: done"
