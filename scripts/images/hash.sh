# shellcheck shell=bash
# Sourced by build.sh: the content hash of an image, over exactly what its build reads, so an image is
# rebuilt when (and only when) one of its inputs changes:
#   the Dockerfile, every file its COPY/ADD lines take from the build context (less what the
#   context's .dockerignore leaves out, as the builder does), each file's mode, and the base's hash.

# .dockerignore globs as anchored extended regexps: `**/x` matches x in any folder, `*` within one
# path segment, and a match also covers everything below it. Exceptions (`!x`) are not supported.
ignore_regexps() {
  local file="$1/.dockerignore" pat
  [ -f "$file" ] || return 0
  while IFS= read -r pat || [ -n "$pat" ]; do
    pat="${pat%%#*}"
    pat="$(printf '%s' "$pat" | tr -d '[:space:]')"
    [ -n "$pat" ] || continue
    [[ "$pat" != '!'* ]] || die "$file: exceptions (!$pat) are not supported by the content hash"
    pat="${pat#/}"
    pat="${pat%/}"
    printf '^%s(/.*)?$\n' "$(printf '%s' "$pat" | sed -E \
      -e 's/[].+^$(){}|\\[]/\\&/g' -e 's#\*\*/#\x01#g' -e 's#\*\*#\x02#g' \
      -e 's#\*#[^/]*#g' -e 's#\?#[^/]#g' -e 's#\x01#(.*/)?#g' -e 's#\x02#.*#g')"
  done <"$file"
}

# The context-relative paths a Dockerfile's COPY/ADD lines take from the build context (not those
# with --from, which copy from another stage), one per line, sorted.
copy_sources() {
  local context=$1 dockerfile=$2 line words src
  # Continuation lines joined, so a COPY spread over lines is read whole.
  sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$dockerfile" |
    grep -Ei '^[[:space:]]*(COPY|ADD)[[:space:]]' | grep -v -- '--from=' |
    while IFS= read -r line; do
      read -ra words <<<"$line"
      # words[0] is COPY/ADD, the last word the destination, flags (--chown=...) start with --.
      for src in "${words[@]:1:${#words[@]}-2}"; do
        [[ "$src" == --* ]] && continue
        src="${src#./}"
        [ -e "$context/$src" ] || die "$dockerfile: COPY source $src is missing in $context"
        if [ -d "$context/$src" ]; then
          (cd "$context" && find "${src%/}" -type f)
        else
          printf '%s\n' "$src"
        fi
      done
    done | LC_ALL=C sort -u
}

# The files of copy_sources that the .dockerignore keeps.
image_inputs() {
  local context=$1 dockerfile=$2 regexps
  regexps=$(ignore_regexps "$context")
  if [ -n "$regexps" ]; then
    copy_sources "$context" "$dockerfile" | grep -Ev -f <(printf '%s\n' "$regexps") || true
  else
    copy_sources "$context" "$dockerfile"
  fi
}

# 12 hex digits of sha256 over the Dockerfile, the inputs (path, mode, content) and extra words
# (the base's hash, build arguments).
image_hash() {
  local context=$1 dockerfile=$2 inputs
  shift 2
  inputs=$(image_inputs "$context" "$dockerfile")
  {
    printf 'dockerfile %s\n' "$(sha256sum <"$dockerfile")"
    if [ -n "$inputs" ]; then
      (cd "$context" && xargs -d '\n' stat -c '%a %n' <<<"$inputs" && xargs -d '\n' sha256sum <<<"$inputs")
    fi
    printf 'extra %s\n' "$@"
  } | sha256sum | cut -c1-12
}

# The hash of a base image built by a script: the script, versions.env, and extra words.
script_hash() {
  local script=$1
  shift
  {
    sha256sum <"$script"
    sha256sum <"$(dirname "${BASH_SOURCE[0]}")/versions.env"
    printf 'extra %s\n' "$@"
  } | sha256sum | cut -c1-12
}
