#!/usr/bin/env bash
# Builds the platform's images from their Dockerfiles with buildah, without any registry or Docker
# engine (`make images`; docs/images.md). Usage: build.sh [name...] (default: all of list.tsv).
#
# Each image is named localhost/avelon/<name>:<content hash> (hash.sh) and kept as a docker-archive in
# the machine-wide cache, so an unchanged image is never rebuilt, in this clone or a fresh one (CI).
# Afterwards $AVELON_IMAGES_DIR/images.tsv (default .data/images/images.tsv) lists, one line each:
#   name<TAB>ref<TAB>absolute path of its docker-archive (what `ctr images import` takes)
# The Dockerfiles' FROM is a build ARG (NODE_BASE, DEBIAN_BASE) whose default is the public image;
# here it names a base made by base-debian.sh / base-node.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/hash.sh"
list="$here/list.tsv"
all_names=$(awk -F'\t' '!/^#/ && NF { print $1 }' "$list")

names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names <<<"$all_names"
for n in "${names[@]}"; do
  grep -qx -- "$n" <<<"$all_names" || die "unknown image '$n' (known: ${all_names//$'\n'/ })"
done

bash "$here/deps.sh"
bash "$repo/scripts/node/ensure.sh"
mkdir -p "$IMAGES_DIR/archives" "$IMAGES_DIR/logs" "$IMAGES_CACHE"
# One build at a time per clone (two make targets, a test and a developer).
exec 9>"$IMAGES_DIR/.lock"
flock -n 9 || {
  log "another build holds $IMAGES_DIR/.lock; waiting for it"
  flock 9
}
started=$SECONDS

debian_hash=$(script_hash "$here/base-debian.sh" "${AVELON_DEBIAN_MIRROR:-}")
node_hash=$(script_hash "$here/base-node.sh" "$debian_hash" "$(cat "$repo/.node-version")")
base_ref() { echo "$IMAGE_PREFIX/$1-base:$2"; }

# Puts a base image into this clone's storage: loaded from the cache, or else built by its script.
ensure_base() {
  local kind=$1 hash=$2 ref archive t0
  ref=$(base_ref "$kind" "$hash")
  archive=$(cached_archive "$kind-base" "$hash")
  if [ -f "$archive" ]; then
    ensure_in_storage "$ref" "$archive"
    return
  fi
  [ "$kind" = debian ] || ensure_base debian "$debian_hash"
  log "$kind-base: building $ref"
  t0=$SECONDS
  if [ "$kind" = debian ]; then
    bash "$here/base-debian.sh" "$ref"
  else
    bash "$here/base-node.sh" "$(base_ref debian "$debian_hash")" "$ref"
  fi
  store_archive "$kind-base" "$ref" "$archive"
  log "$kind-base: built in $(fmt_secs $((SECONDS - t0))) ($(size_mb "$archive") MB)"
}

# Where the registry is reached through a TLS-inspecting proxy, the host trusts its CA through
# NODE_EXTRA_CA_CERTS or npm's cafile; npm ci inside the build then needs the same file. It is
# bind-mounted for RUN steps only, so it never enters an image (nor the content hash). Sets `mounts`
# of the caller.
npm_ca_mounts() {
  local ca=${NODE_EXTRA_CA_CERTS:-}
  [ -n "$ca" ] || ca=$(npm config get cafile 2>/dev/null || true)
  [ -n "$ca" ] && [ "$ca" != null ] && [ -f "$ca" ] || return 0
  printf 'cafile=/run/host-npm-ca.crt\n' >"$IMAGES_DIR/build-npmrc"
  mounts=(-v "$ca:/run/host-npm-ca.crt:ro" -v "$IMAGES_DIR/build-npmrc:/usr/local/etc/npmrc:ro")
}

# name -> "dockerfile context base" from list.tsv.
image_row() { awk -F'\t' -v n="$1" '$1 == n { print $2, $3, $4 }' "$list"; }

image_hash_of() {
  local dockerfile context base
  read -r dockerfile context base <<<"$(image_row "$1")"
  if [ "$base" = node ]; then
    image_hash "$repo/$context" "$repo/$dockerfile" "NODE_BASE=$node_hash"
  else
    image_hash "$repo/$context" "$repo/$dockerfile" "DEBIAN_BASE=$debian_hash"
  fi
}

build_image() {
  local name=$1 dockerfile context base hash ref archive arg logfile t0 old mounts status
  read -r dockerfile context base <<<"$(image_row "$name")"
  hash=$(image_hash_of "$name")
  ref="$IMAGE_PREFIX/$name:$hash"
  archive=$(cached_archive "$name" "$hash")
  if [ -f "$archive" ]; then
    log "$name: up to date ($ref, $(size_mb "$archive") MB)"
    return
  fi
  mounts=()
  if [ "$base" = node ]; then
    ensure_base node "$node_hash"
    arg="NODE_BASE=$(base_ref node "$node_hash")"
    npm_ca_mounts
  else
    ensure_base debian "$debian_hash"
    arg="DEBIAN_BASE=$(base_ref debian "$debian_hash")"
  fi
  logfile="$IMAGES_DIR/logs/$name.log"
  log "$name: building $ref (log: $logfile)"
  t0=$SECONDS
  # --layers keeps each step's result, so a change to src/ reuses the npm ci layer of the last build.
  # The full output goes to the log; the steps are shown as they start.
  set +e
  bah bud --isolation chroot --network host --pull=never --layers --force-rm --format docker \
    "${mounts[@]}" --build-arg "$arg" --label "avelon.content-hash=$hash" -f "$repo/$dockerfile" -t "$ref" \
    "$repo/$context" 2>&1 | tee "$logfile" | grep --line-buffered -E '^(\[[0-9]+/[0-9]+\] )?STEP [0-9]+/' |
    sed -u -E 's/^(.{0,100}).*/    \1/'
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    tail -30 "$logfile" >&2
    die "$name: build failed (full log: $logfile)"
  fi
  store_archive "$name" "$ref" "$archive"
  # Older builds of this image leave the storage; their layers stay while a newer build uses them.
  for old in $(bah images --format '{{.Name}}:{{.Tag}}' | grep "^$IMAGE_PREFIX/$name:" | grep -vx "$ref"); do
    bah rmi "$old" >/dev/null 2>&1 || true
  done
  log "$name: built in $(fmt_secs $((SECONDS - t0))) ($(size_mb "$archive") MB)"
}

for n in "${names[@]}"; do build_image "$n"; done

# images.tsv: every image whose build for its current files exists, also those not named this time.
# Archives are hard links into this clone's folder: the cache may prune its copy meanwhile.
tsv_tmp="$IMAGES_TSV.tmp.$$"
: >"$tsv_tmp"
while IFS= read -r n; do
  hash=$(image_hash_of "$n")
  archive=$(cached_archive "$n" "$hash")
  if [ ! -f "$archive" ]; then
    # Its files changed after (or while) it was built: the next build makes it.
    log "$n: not built for its current files; not listed (run: scripts/images/build.sh $n)"
    continue
  fi
  local_copy="$IMAGES_DIR/archives/$n-$hash.tar"
  if [ ! -f "$local_copy" ]; then
    find "$IMAGES_DIR/archives" -name "$n-????????????.tar" -delete
    ln -f "$archive" "$local_copy" 2>/dev/null || cp "$archive" "$local_copy"
  fi
  printf '%s\t%s\t%s\n' "$n" "$IMAGE_PREFIX/$n:$hash" "$local_copy" >>"$tsv_tmp"
done <<<"$all_names"
mv -f "$tsv_tmp" "$IMAGES_TSV"
log "done in $(fmt_secs $((SECONDS - started))): $(wc -l <"$IMAGES_TSV") images listed in $IMAGES_TSV"
