#!/usr/bin/env bash
# Installs the Debian packages the test node runs on, when missing (idempotent): containerd,
# runc, the CNI plugins, iptables, conntrack, and buildah to build images from Dockerfiles.
set -euo pipefail
declare -A need=([containerd]=containerd [runc]=runc [containernetworking-plugins]=/usr/lib/cni/bridge
  [iptables]=iptables [conntrack]=conntrack [buildah]=buildah [openssl]=openssl)
missing=()
for pkg in "${!need[@]}"; do
  probe=${need[$pkg]}
  if [[ $probe == /* ]]; then [ -e "$probe" ] || missing+=("$pkg"); else command -v "$probe" >/dev/null || missing+=("$pkg"); fi
done
((${#missing[@]} == 0)) && exit 0
echo "==> cluster: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
# The package starts a machine-wide containerd under systemd, where there is systemd; the node
# runs its own with its own root and socket, so the packaged one is left alone.
echo "==> cluster: installed ${missing[*]}"
