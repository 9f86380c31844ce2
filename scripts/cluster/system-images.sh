# Sourced by up.sh: the node's own images (pause, CoreDNS, metrics-server), each built with
# buildah from its Dockerfile in images/ around one static binary, and the list of every image
# to import: these plus the platform's (scripts/images writes .data/images/images.tsv).
# A tag is the content hash of the Dockerfile and the binary, so an unchanged image is reused.

SYSTEM_IMAGES=(pause coredns metrics-server)
IMAGES_TSV="$CLUSTER_DIR/images.tsv"
APP_IMAGES_TSV="${AVELON_IMAGES_TSV:-$cluster_root/.data/images/images.tsv}"

buildah_() {
  buildah --root "$CLUSTER_DIR/buildah/storage" --runroot "$RUN_DIR/buildah" --storage-driver vfs "$@"
}

system_image_binary() { # NAME OUT
  case "$1" in
    pause) (cd "$cluster_root/scripts/cluster/images/pause" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$2" main.go) ;;
    *) cp "$BIN/$1" "$2" ;;
  esac
}

build_system_images() {
  local name ctx hash ref archive out="$CLUSTER_DIR/system-images.tsv.tmp"
  mkdir -p "$CLUSTER_DIR/archives"
  : >"$out"
  for name in "${SYSTEM_IMAGES[@]}"; do
    ctx=$(mktemp -d)
    cp "$cluster_root/scripts/cluster/images/$name/Dockerfile" "$ctx/"
    system_image_binary "$name" "$ctx/$name" || { rm -rf "$ctx"; fail "could not get the $name binary (make tools)"; }
    hash=$(cat "$ctx/Dockerfile" "$ctx/$name" | sha256sum | cut -c1-12)
    ref="localhost/avelon/$name:$hash"
    archive="$CLUSTER_DIR/archives/$name-$hash.tar"
    if [ ! -s "$archive" ]; then
      step "building image $ref"
      buildah_ bud --quiet --isolation chroot --layers=false -t "$ref" -f "$ctx/Dockerfile" "$ctx" >/dev/null
      rm -f "$CLUSTER_DIR/archives/$name-"*.tar
      buildah_ push --quiet "$ref" "docker-archive:$archive.tmp:$ref" >/dev/null
      mv "$archive.tmp" "$archive"
      buildah_ rmi --all >/dev/null 2>&1 || true
    fi
    rm -rf "$ctx"
    printf '%s\t%s\t%s\n' "$name" "$ref" "$archive" >>"$out"
  done
  mv "$out" "$CLUSTER_DIR/system-images.tsv"
  cat "$CLUSTER_DIR/system-images.tsv" >"$IMAGES_TSV"
  if [ -s "$APP_IMAGES_TSV" ]; then
    cat "$APP_IMAGES_TSV" >>"$IMAGES_TSV"
  else
    step "warning: no platform images listed in $APP_IMAGES_TSV (make images); only the node's own are imported"
  fi
}

image_ref() { awk -F'\t' -v n="$1" '$1 == n {print $2}' "$IMAGES_TSV"; }

# Imports every listed image containerd does not have yet (the kubelet never pulls: no registry).
import_images() {
  local name ref archive have
  have=$(ctr_ images ls -q 2>/dev/null)
  while IFS=$'\t' read -r name ref archive; do
    grep -qxF "$ref" <<<"$have" && continue
    step "importing image $ref"
    ctr_ images import "$archive" >/dev/null || fail "could not import $archive"
  done <"$IMAGES_TSV"
}
