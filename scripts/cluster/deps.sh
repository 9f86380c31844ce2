#!/usr/bin/env bash
# Installs the Debian packages the test node runs on, only those missing: containerd, runc, the CNI
# plugins, iptables and nftables (kube-proxy's rules, and their removal), conntrack, openssl (the
# node's certificates) and buildah (the node's own images).
set -euo pipefail
exec bash "$(dirname "$0")/../apt-ensure.sh" cluster containerd runc containernetworking-plugins iptables nftables \
  conntrack openssl buildah
