#!/usr/bin/env bash
# Installs the Go-built tools the Avelon Platform tests need into .tools/bin:
#   helm, etcd, the Kubernetes components (kube-apiserver, kube-controller-manager,
#   kube-scheduler, kubelet, kube-proxy, kubectl), crictl, coredns, metrics-server,
#   vegeta (the open-model HTTP load generator of loadtest/ and `make bench`),
#   prometheus (the dashboard's Prometheus-mode test),
#   toxiproxy (the TCP fault proxy of `make chaos`)
# Versions live in scripts/tools/versions.env (the only place to change them).
#
# Usage:
#   scripts/tools/install.sh                 # install every tool (idempotent)
#   scripts/tools/install.sh helm kubectl    # install only these tools
#   scripts/tools/install.sh --bump-kube     # rewrite scripts/tools/kube/go.mod(+sum)
#                                            # for KUBE_VERSION, then exit
#
# Every tool is built from source with the local Go toolchain through the Go module
# proxy (this machine cannot download release binaries). Results are reused:
#   1. .tools/bin/<tool> with a matching stamp .tools/bin/.<tool>.version -> skipped;
#   2. machine-wide cache ${AVELON_TOOLS_CACHE:-$HOME/.cache/avelon-tools}/<tool>-<version>
#      -> copied (fresh clones, CI);
#   3. otherwise built (Go's own build cache makes rebuilds faster too).
#
# Environment:
#   AVELON_TOOLS_DIR    install prefix (default: <repo>/.tools)
#   AVELON_TOOLS_CACHE  machine-wide binary cache (default: $HOME/.cache/avelon-tools)
#   AVELON_TOOLS_FORCE  =1 to rebuild even when installed/cached
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

# shellcheck disable=SC1091 # plain KEY=value lines, see versions.env
source "$here/versions.env"

TOOLS_DIR="${AVELON_TOOLS_DIR:-$repo/.tools}"
BIN="$TOOLS_DIR/bin"
CACHE="${AVELON_TOOLS_CACHE:-${HOME:-/root}/.cache/avelon-tools}"
FORCE="${AVELON_TOOLS_FORCE:-0}"
KUBE_MOD_DIR="$here/kube"
# Built from k8s.io/kubernetes/cmd/<name> inside the kube wrapper module.
KUBE_TOOLS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
ALL_TOOLS=(helm etcd "${KUBE_TOOLS[@]}" crictl coredns metrics-server vegeta prometheus toxiproxy)

log() { printf '==> tools: %s\n' "$*"; }
die() { printf '==> tools: ERROR: %s\n' "$*" >&2; exit 1; }

fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

tool_version() {
  case "$1" in
    helm) echo "$HELM_VERSION" ;;
    etcd) echo "$ETCD_VERSION" ;;
    kube-apiserver | kube-controller-manager | kube-scheduler | kubelet | kube-proxy | kubectl) echo "$KUBE_VERSION" ;;
    crictl) echo "$CRICTL_VERSION" ;;
    coredns) echo "$COREDNS_VERSION" ;;
    metrics-server) echo "$METRICS_SERVER_VERSION" ;;
    vegeta) echo "$VEGETA_VERSION" ;;
    prometheus) echo "$PROMETHEUS_VERSION" ;;
    toxiproxy) echo "$TOXIPROXY_VERSION" ;;
    *) die "unknown tool '$1' (known: ${ALL_TOOLS[*]})" ;;
  esac
}

# Rough first-build durations measured on the 2-core CI/dev machine (docs/tools.md).
tool_eta() {
  case "$1" in
    helm) echo "~2 min" ;;
    etcd) echo "~1 min" ;;
    kube-apiserver) echo "~6 min" ;;
    kubelet | kube-controller-manager | kubectl) echo "~2 min" ;;
    kube-scheduler | kube-proxy | crictl | vegeta | toxiproxy) echo "~1 min" ;;
    coredns | metrics-server) echo "~5 min" ;;
    prometheus) echo "~11 min" ;;
  esac
}

require_go() {
  if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null 2>&1 || die "go not found in PATH (need Go >= 1.26; e.g. export PATH=/usr/local/go/bin:\$PATH)"
}

# Common Go build settings: static binaries, no local paths baked in.
go_env() {
  export CGO_ENABLED=0
  export GOFLAGS="-trimpath -buildvcs=false"
}

# --- kube-apiserver wrapper module consistency -------------------------------

kube_staging_version() {
  # v1.34.4 -> v0.34.4
  local v="${KUBE_VERSION#v1.}"
  echo "v0.$v"
}

check_kube_mod() {
  local mod="$KUBE_MOD_DIR/go.mod" staging bad
  staging="$(kube_staging_version)"
  [[ -f "$mod" && -f "$KUBE_MOD_DIR/go.sum" && -f "$KUBE_MOD_DIR/tools.go" ]] ||
    die "missing $KUBE_MOD_DIR/{go.mod,go.sum,tools.go}"
  grep -Eq "^[[:space:]]*(require[[:space:]]+)?k8s\.io/kubernetes[[:space:]]+${KUBE_VERSION//./\\.}([[:space:]]|$)" "$mod" ||
    die "KUBE_VERSION=$KUBE_VERSION (versions.env) does not match the k8s.io/kubernetes require in $mod; run: scripts/tools/install.sh --bump-kube"
  bad="$(grep -E '=>[[:space:]]*k8s\.io/' "$mod" | grep -Ev "=>[[:space:]]*k8s\.io/[a-z0-9-]+[[:space:]]+${staging//./\\.}[[:space:]]*$" || true)"
  [[ -z "$bad" ]] ||
    die "these replace lines in $mod are not at $staging: $bad -- run: scripts/tools/install.sh --bump-kube"
}

bump_kube() {
  require_go
  local staging
  staging="$(kube_staging_version)"
  log "rewriting $KUBE_MOD_DIR/go.mod for k8s.io/kubernetes $KUBE_VERSION (staging modules $staging)"
  sed -i -E \
    -e "s#^([[:space:]]*(require[[:space:]]+)?k8s\.io/kubernetes)[[:space:]]+v[^[:space:]]+#\1 $KUBE_VERSION#" \
    -e "s#^([[:space:]]*k8s\.io/[a-z0-9-]+[[:space:]]+=>[[:space:]]*k8s\.io/[a-z0-9-]+)[[:space:]]+v[^[:space:]]+#\1 $staging#" \
    -e "s#^([[:space:]]*k8s\.io/[a-z0-9-]+)[[:space:]]+v0\.[0-9]+\.[0-9]+([[:space:]]*(//.*)?)\$#\1 $staging\2#" \
    "$KUBE_MOD_DIR/go.mod"
  (cd "$KUBE_MOD_DIR" && go mod tidy) || die "go mod tidy failed; a new Kubernetes minor may add/remove staging modules: compare the '=> ./staging/src/...' lines of k8s.io/kubernetes@$KUBE_VERSION's go.mod with the replace block"
  check_kube_mod
  log "go.mod/go.sum updated; review and commit them"
}

# --- builders (each writes the binary to $1) ---------------------------------
# They run on the left of `||` (where bash ignores set -e), so every step checks
# its own status.

build_helm() {
  local out="$1" pkg="helm.sh/helm/v3" gobin rc=0
  gobin="$(mktemp -d)" || return 1
  GOBIN="$gobin" go install \
    -ldflags "-s -w -X $pkg/internal/version.version=$HELM_VERSION -X $pkg/internal/version.gitTreeState=clean" \
    "$pkg/cmd/helm@$HELM_VERSION" && mv "$gobin/helm" "$out" || rc=1
  rm -rf "$gobin"
  return "$rc"
}

# go_install OUT MAIN_PACKAGE VERSION [LDFLAGS]: `go install pkg@version` into OUT (for modules
# without replace directives, so their own go.mod decides the dependency versions).
go_install() {
  local out="$1" pkg="$2" version="$3" ldflags="${4:-}" gobin name rc=0
  # go names the binary after the last path element, skipping a major-version suffix
  # (github.com/tsenart/vegeta/v12 -> vegeta).
  name="${pkg##*/}"
  [[ "$name" =~ ^v[0-9]+$ ]] && name="$(basename "${pkg%/*}")"
  gobin="$(mktemp -d)" || return 1
  GOBIN="$gobin" go install -ldflags "-s -w $ldflags" "$pkg@$version" &&
    mv "$gobin/$name" "$out" || rc=1
  rm -rf "$gobin"
  return "$rc"
}

build_metrics_server() {
  # It reports the version variable of client-go (component-base in older releases): set both.
  go_install "$1" sigs.k8s.io/metrics-server/cmd/metrics-server "$METRICS_SERVER_VERSION" \
    "-X k8s.io/component-base/version.gitVersion=$METRICS_SERVER_VERSION -X k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION"
}

build_etcd() {
  # go.etcd.io/etcd/server/v3's go.mod has replace directives (../api etc.), so
  # `go install ...@version` refuses it. Build its main package from a throw-away
  # module instead; with server/v3 as the only requirement, MVS selects exactly the
  # dependency versions of the etcd release. Checksums are verified via GOSUMDB.
  local out="$1" work get_log rc=0
  work="$(mktemp -d)" || return 1
  if ! (cd "$work" && go mod init avelon.local/tools/etcd-build >/dev/null 2>&1); then
    rc=1
  # go get lists every module it adds; only show that on failure.
  elif ! get_log="$(cd "$work" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" 2>&1)"; then
    printf '%s\n' "$get_log" >&2
    rc=1
  elif ! (cd "$work" && go build -ldflags "-s -w" -o "$out" go.etcd.io/etcd/server/v3); then
    rc=1
  fi
  rm -rf "$work"
  return "$rc"
}

# Prometheus's module version v0.MMM.P is release 3.MM.P (v0.316.0 -> 3.16.0): what --version prints.
prometheus_release() {
  local v="${PROMETHEUS_VERSION#v0.}"
  echo "$((${v%%.*} / 100)).$((${v%%.*} % 100)).${v#*.}"
}

build_prometheus() {
  # Built in a throw-away module (as etcd), so the release's own go.mod picks the dependency versions.
  # Without the builtinassets tag the web UI is not embedded: the tests only need the HTTP API.
  local out="$1" pkg="github.com/prometheus/prometheus/cmd/prometheus" work get_log rc=0
  work="$(mktemp -d)" || return 1
  if ! (cd "$work" && go mod init avelon.local/tools/prometheus-build >/dev/null 2>&1); then
    rc=1
  elif ! get_log="$(cd "$work" && go get "$pkg@$PROMETHEUS_VERSION" 2>&1)"; then
    printf '%s\n' "$get_log" >&2
    rc=1
  elif ! (cd "$work" && go build -ldflags "-s -w -X github.com/prometheus/common/version.Version=$(prometheus_release)" -o "$out" "$pkg"); then
    rc=1
  fi
  rm -rf "$work"
  return "$rc"
}

# build_kube NAME OUT: k8s.io/kubernetes/cmd/NAME, with the dependency versions tools.go pins.
build_kube() {
  local name="$1" out="$2" minor ldflags pkg
  minor="${KUBE_VERSION#v1.}"
  minor="${minor%%.*}"
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done
  (cd "$KUBE_MOD_DIR" && go build -mod=readonly -ldflags "$ldflags" -o "$out" "k8s.io/kubernetes/cmd/$name")
}

build_tool() {
  case "$1" in
    helm) build_helm "$2" ;;
    etcd) build_etcd "$2" ;;
    crictl) go_install "$2" sigs.k8s.io/cri-tools/cmd/crictl "$CRICTL_VERSION" "-X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" ;;
    coredns) go_install "$2" github.com/coredns/coredns "$COREDNS_VERSION" ;;
    metrics-server) build_metrics_server "$2" ;;
    vegeta) go_install "$2" github.com/tsenart/vegeta/v12 "$VEGETA_VERSION" "-X main.Version=$VEGETA_VERSION" ;;
    prometheus) build_prometheus "$2" ;;
    # Its main package is cmd/server (go would name the binary `server`); installed as `toxiproxy`.
    toxiproxy) go_install "$2" github.com/Shopify/toxiproxy/v2/cmd/server "$TOXIPROXY_VERSION" "-X github.com/Shopify/toxiproxy/v2.Version=$TOXIPROXY_VERSION" ;;
    *) build_kube "$1" "$2" ;;
  esac
}

# --- verification -------------------------------------------------------------

# Prints the tool's own version line; fails when the binary does not run or
# reports another version.
verify_tool() {
  local tool="$1" bin="$2" want="$3" got
  case "$tool" in
    helm) got="$("$bin" version --short 2>&1)" ;;
    kubectl) got="$("$bin" version --client 2>&1)" ;;
    crictl) got="$("$bin" --version 2>&1)" ;;
    coredns) got="$("$bin" -version 2>&1)" ;;
    prometheus)
      got="$("$bin" --version 2>&1)"
      want="$(prometheus_release)"
      ;;
    *) got="$("$bin" --version 2>&1)" ;;
  esac || { printf '%s\n' "$got" >&2; return 1; }
  # helm and the Kubernetes components print "v1.2.3", etcd and coredns "1.2.3".
  if [[ "$got" != *"$want"* && "$got" != *"${want#v}"* ]]; then
    printf '%s: expected version %s, got: %s\n' "$tool" "$want" "$got" >&2
    return 1
  fi
  printf '%s\n' "$got" | head -n1
}

# --- main install logic ---------------------------------------------------------

install_tool() {
  local tool="$1" version target stamp cached tmpdir tmp start secs line
  version="$(tool_version "$tool")"
  target="$BIN/$tool"
  stamp="$BIN/.$tool.version"
  cached="$CACHE/$tool-$version"

  if [[ "$FORCE" != 1 && -x "$target" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
    log "$tool $version already installed"
    return 0
  fi

  # Fail before doing anything when versions.env and the wrapper go.mod disagree.
  if [[ " ${KUBE_TOOLS[*]} " == *" $tool "* ]]; then
    check_kube_mod
  fi

  # Build/copy into a private temp dir under the tool's real name (tools print
  # argv[0] in --version), then move into place atomically.
  tmpdir="$BIN/.tmp.$tool.$$"
  rm -rf "$tmpdir"
  mkdir -p "$tmpdir"
  tmp="$tmpdir/$tool"
  if [[ "$FORCE" != 1 && -x "$cached" ]]; then
    log "$tool $version: copying from cache $cached"
    cp "$cached" "$tmp"
  else
    require_go
    log "building $tool $version (first time only, $(tool_eta "$tool"))"
    start=$SECONDS
    go_env
    build_tool "$tool" "$tmp" || { rm -rf "$tmpdir"; die "building $tool $version failed (see output above)"; }
    secs=$((SECONDS - start))
    log "built $tool $version in $(fmt_secs "$secs")"
    # Store in the machine-wide cache (atomically: other clones may read it).
    if mkdir -p "$CACHE" 2>/dev/null && cp "$tmp" "$cached.tmp.$$" 2>/dev/null; then
      chmod 0755 "$cached.tmp.$$"
      mv -f "$cached.tmp.$$" "$cached"
    else
      rm -f "$cached.tmp.$$"
      log "warning: could not write cache $CACHE (continuing)"
    fi
  fi
  chmod 0755 "$tmp"

  if ! line="$(verify_tool "$tool" "$tmp" "$version")"; then
    rm -rf "$tmpdir"
    # A broken cache entry must not poison every later install.
    rm -f "$cached"
    die "$tool $version does not run or reports the wrong version"
  fi
  mv -f "$tmp" "$target"
  rm -rf "$tmpdir"
  printf '%s\n' "$version" >"$stamp"
  log "$tool ready: $target ($line)"
}

main() {
  local tools=() t
  if [[ "${1:-}" == "--bump-kube" ]]; then
    bump_kube
    return 0
  fi
  if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    return 0
  fi
  if (($# == 0)); then
    tools=("${ALL_TOOLS[@]}")
  else
    for t in "$@"; do
      tool_version "$t" >/dev/null
      tools+=("$t")
    done
  fi

  mkdir -p "$BIN"
  # Serialize concurrent runs (two shells, CI + dev) on the same .tools directory.
  exec 9>"$TOOLS_DIR/.install.lock"
  if ! flock -n 9; then
    log "another install.sh is running on $TOOLS_DIR; waiting for it"
    flock 9
  fi

  for t in "${tools[@]}"; do
    install_tool "$t"
  done
  log "all done: ${tools[*]} in $BIN"
}

main "$@"; exit  # exit here: a git checkout that edits this file mid-run must not be read on
