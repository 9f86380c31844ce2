# shellcheck shell=bash disable=SC2034 # (variables are used by the scripts that source this file)
# Sourced by the image scripts: where images, their storage and the machine-wide cache live, and the
# few helpers every step uses.
#   AVELON_IMAGES_DIR    this clone's images: storage, archives, images.tsv (default <repo>/.data/images;
#                        not AVELON_DATA_DIR, which is a stack's data dir: one set of images serves all)
#   AVELON_IMAGES_CACHE  machine-wide archive cache shared by every clone (default ~/.cache/avelon-images)
#   AVELON_IMAGES_DRIVER buildah storage driver (default overlay; vfs where overlayfs cannot mount)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IMAGES_DIR="${AVELON_IMAGES_DIR:-$repo/.data/images}"
IMAGES_CACHE="${AVELON_IMAGES_CACHE:-${HOME:-/root}/.cache/avelon-images}"
IMAGES_DRIVER="${AVELON_IMAGES_DRIVER:-overlay}"
IMAGES_TSV="$IMAGES_DIR/images.tsv"
# Every built image is named localhost/avelon/<name>:<content hash>; the cluster imports these names.
IMAGE_PREFIX=localhost/avelon

log() { printf '==> images: %s\n' "$*"; }
die() {
  printf '==> images: ERROR: %s\n' "$*" >&2
  exit 1
}
fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# buildah on this project's own storage: never the machine's /var/lib/containers.
bah() { buildah --root "$IMAGES_DIR/storage" --runroot "$IMAGES_DIR/run" --storage-driver "$IMAGES_DRIVER" "$@"; }

# The cached docker-archive of an image with this content hash.
cached_archive() { printf '%s/%s-%s.tar\n' "$IMAGES_CACHE" "$1" "$2"; }

# Makes sure the image <ref> is in this clone's storage, loading it from its cached archive when a
# fresh clone (or `make clean`) has only the cache.
ensure_in_storage() {
  local ref=$1 archive=$2 id
  bah inspect --type image "$ref" >/dev/null 2>&1 && return 0
  [ -f "$archive" ] || die "$ref is neither in storage nor cached at $archive"
  log "loading $ref from $archive"
  id=$(bah pull --quiet "docker-archive:$archive") || die "could not load $archive"
  bah tag "$id" "$ref"
}

# Writes <ref> to the machine-wide cache as a docker-archive (atomically: other clones read it), and
# keeps only the two newest archives of that name there.
store_archive() {
  local name=$1 ref=$2 archive=$3 tmp
  mkdir -p "$IMAGES_CACHE"
  tmp="$IMAGES_CACHE/.tmp.$name.$$.tar"
  rm -f "$tmp"
  bah push --quiet "$ref" "docker-archive:$tmp:$ref" || {
    rm -f "$tmp"
    die "could not write the archive of $ref"
  }
  mv -f "$tmp" "$archive"
  # shellcheck disable=SC2012 # names are ours: <name>-<12 hex>.tar
  ls -t "$IMAGES_CACHE/$name"-????????????.tar 2>/dev/null | tail -n +3 | xargs -r rm -f
}

# Size of a file in MB, for the progress lines and docs/images.md.
size_mb() { echo $(($(stat -c %s "$1") / 1024 / 1024)); }
