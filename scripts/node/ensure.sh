#!/usr/bin/env bash
# Installs the pinned Node (from the npm package `node@X`) into .tools/ so every make target, npm
# script and test runs on Node 24 whatever the machine ships. Idempotent: does nothing when the
# right version is already there.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
want=$(cat "$root/.node-version")
bin="$root/.tools/bin"
if [ -x "$bin/node" ] && [ "$("$bin/node" --version)" = "v$want" ]; then exit 0; fi
echo "==> node: installing Node $want (npm package node@$want) into .tools/node"
mkdir -p "$bin" "$root/.tools/node"
# The system npm runs this install on whatever Node it has; it only unpacks a package.
npm install --prefix "$root/.tools/node" --no-save --no-package-lock --loglevel=error "node@$want" >/dev/null
ln -sf ../node/node_modules/node/bin/node "$bin/node"
got=$("$bin/node" --version)
if [ "$got" != "v$want" ]; then
  echo "error: .tools/bin/node is $got, wanted v$want" >&2
  exit 1
fi
echo "==> node: $got ready"
