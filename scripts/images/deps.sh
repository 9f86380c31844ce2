#!/usr/bin/env bash
# Installs the Debian packages that build images without a registry or a Docker engine, only those
# missing: buildah (builds the Dockerfiles), debootstrap (the base root filesystem), skopeo (reads
# the archives in test/images), fuse-overlayfs and uidmap (buildah's overlay storage).
set -euo pipefail
exec bash "$(dirname "$0")/../apt-ensure.sh" images buildah skopeo debootstrap fuse-overlayfs uidmap
