#!/usr/bin/env bash
# Builds the Node base image, this machine's stand-in for `node:<version>-bookworm-slim`, on top of
# the Debian base: the node binary the repository pins (.node-version, from the npm package node@X,
# which needs only libstdc++ of Debian), npm (the app Dockerfiles run `npm ci` in a build stage), and
# the official image's unprivileged user node (1000:1000).
# Usage: base-node.sh <debian-base ref> <ref> (called by build.sh, which checks its cache first).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/versions.env"
debian_ref=$1
ref=$2
node_version=$(cat "$repo/.node-version")
node_bin="$repo/.tools/node/node_modules/node/bin/node"
container=""
trap '[ -z "$container" ] || bah rm "$container" >/dev/null 2>&1 || true' EXIT

[ "$("$node_bin" --version 2>/dev/null)" = "v$node_version" ] ||
  die "$node_bin is not Node $node_version: run make node"

# npm's own package bundles its dependencies: one tarball, kept in the cache beside the archives.
npm_tgz="$IMAGES_CACHE/downloads/npm-$NPM_VERSION.tgz"
if [ ! -f "$npm_tgz" ]; then
  log "node-base: fetching npm $NPM_VERSION (npm pack)"
  mkdir -p "$(dirname "$npm_tgz")"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
  mv -f "$tmp/npm-$NPM_VERSION.tgz" "$npm_tgz"
  rm -rf "$tmp"
fi

container=$(bah from --quiet --pull=never "$debian_ref")
mnt=$(bah mount "$container")
install -m 0755 "$node_bin" "$mnt/usr/local/bin/node"
mkdir -p "$mnt/usr/local/lib/node_modules/npm"
tar -xzf "$npm_tgz" -C "$mnt/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$mnt/usr/local/bin/npx"
bah umount "$container" >/dev/null
bah run --isolation chroot "$container" -- sh -c \
  'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
got=$(bah run --isolation chroot "$container" -- sh -c 'echo "node $(node --version), npm $(npm --version)"')
log "node-base: $got"
bah config --env "NODE_VERSION=$node_version" --cmd node --label "avelon.base=node-$node_version" "$container"
bah commit --quiet --rm --format docker "$container" "$ref" >/dev/null
container=""
