#!/usr/bin/env bash
# Installs the Debian packages that build images without a registry or a Docker engine, only those
# missing: buildah (builds the Dockerfiles), debootstrap (the base root filesystem), skopeo (reads
# the archives in test/images), fuse-overlayfs and uidmap (buildah's overlay storage).
set -euo pipefail
want=(buildah skopeo debootstrap fuse-overlayfs uidmap)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "==> images: apt: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# Another apt (the cluster's tools, the stack's deps) may hold the lock: wait for it, not fail.
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "==> images: apt: done"
