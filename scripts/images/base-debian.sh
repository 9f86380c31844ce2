#!/usr/bin/env bash
# Builds the Debian base image, this machine's stand-in for `debian:bookworm-slim`, without any
# registry: debootstrap --variant=minbase from the Debian archive, trimmed like the slim image, with
# Debian's updates and security updates applied. Usage: base-debian.sh <ref> (called by build.sh,
# which checks its cache first). AVELON_DEBIAN_MIRROR overrides debootstrap's default mirror.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/versions.env"
ref=$1
work="$IMAGES_DIR/tmp/debian-rootfs"
logfile="$IMAGES_DIR/logs/debian-base.log"
container=""

cleanup() {
  # debootstrap mounts /proc and /sys inside the target; a failed run can leave them behind.
  findmnt -rn -o TARGET | grep "^$work/" | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
  [ -z "$container" ] || bah rm "$container" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
mkdir -p "$work" "$(dirname "$logfile")"

mirror="${AVELON_DEBIAN_MIRROR:-}"
log "debian-base: debootstrap --variant=minbase $DEBIAN_SUITE (under a minute here; log: $logfile)"
# shellcheck disable=SC2086 # an empty mirror means debootstrap's own default
debootstrap --variant=minbase --components=main "$DEBIAN_SUITE" "$work" $mirror >"$logfile" 2>&1 || {
  tail -20 "$logfile" >&2
  die "debootstrap failed"
}
mirror=$(awk '$1 == "deb" { print $2; exit }' "$work/etc/apt/sources.list")

# What Debian's slim image leaves out, and keeps out of every later apt-get install.
cat >"$work/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
EOF
cat >"$work/etc/apt/apt.conf.d/slim" <<'EOF'
# No package cache or downloaded .debs left in image layers, no translated package descriptions.
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
EOF
# The suites of the public image: the release, its updates and its security updates.
rm -f "$work/etc/apt/sources.list"
cat >"$work/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $DEBIAN_SUITE $DEBIAN_SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${AVELON_DEBIAN_SECURITY_MIRROR:-${mirror%/debian*}/debian-security}
Suites: $DEBIAN_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
find "$work/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$work/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$work"/usr/share/{man,groff,info,lintian,locale}/* "$work"/var/cache/apt/* "$work"/var/lib/apt/lists/*
rm -rf "$work"/var/log/* "$work"/var/cache/debconf/*-old "$work"/etc/hostname "$work"/etc/resolv.conf
: >"$work/etc/machine-id" 2>/dev/null || true

container=$(bah from --quiet scratch)
mnt=$(bah mount "$container")
cp -a "$work/." "$mnt/"
bah umount "$container" >/dev/null
bah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd bash \
  --label "avelon.base=debian-$DEBIAN_SUITE" "$container"
log "debian-base: applying Debian's updates (apt-get upgrade)"
bah run --isolation chroot --network host "$container" -- sh -c \
  'export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get upgrade -y -qq >/dev/null && rm -rf /var/lib/apt/lists/* /var/log/apt/* /var/log/dpkg.log' \
  >>"$logfile" 2>&1 || {
  tail -20 "$logfile" >&2
  die "apt-get upgrade in the debian base failed"
}
log "debian-base: Debian $(bah run --isolation chroot "$container" -- cat /etc/debian_version)"
bah commit --quiet --rm --format docker "$container" "$ref" >/dev/null
container=""
