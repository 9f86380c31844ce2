# Sourced by up.sh and down.sh: records the host settings the node changes, and puts them back.
# The values are saved once, before the first start; a start after a killed run keeps the first
# record, since the settings then already carry the killed run's changes.

# Sysctls the kubelet (kernel defaults it insists on), kube-proxy (route_localnet), the bridge
# CNI plugin and these scripts (forwarding, bridge netfilter) set.
TOUCHED_SYSCTLS=(
  vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes
  net.ipv4.ip_forward net.ipv6.conf.all.forwarding net.ipv4.conf.all.route_localnet
  net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables
  net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_tcp_timeout_established
  net.netfilter.nf_conntrack_tcp_timeout_close_wait net.netfilter.nf_conntrack_tcp_be_liberal
)
# Folders the kubelet and CNI write to whatever their flags say; removed on teardown only when
# they did not exist before the first start.
STRAY_PATHS=(/var/lib/kubelet /var/log/pods /var/log/containers /var/lib/cni /run/netns)

record_host_state() {
  local key path
  mkdir -p "$STATE_DIR"
  [ -s "$STATE_DIR/sysctl.before" ] && return 0
  step "recording host settings (sysctls, folders, iptables chains) to restore on teardown"
  for key in "${TOUCHED_SYSCTLS[@]}"; do
    sysctl -n "$key" >/dev/null 2>&1 && printf '%s=%s\n' "$key" "$(sysctl -n "$key" | tr '\t' ' ')"
  done >"$STATE_DIR/sysctl.tmp"
  for path in "${STRAY_PATHS[@]}"; do [ -e "$path" ] && echo "$path"; done >"$STATE_DIR/paths.before"
  iptables_chains >"$STATE_DIR/chains.before"
  nft_tables >"$STATE_DIR/nft-tables.before"
  mv "$STATE_DIR/sysctl.tmp" "$STATE_DIR/sysctl.before"
}

restore_host_state() {
  local line key value path
  [ -s "$STATE_DIR/sysctl.before" ] || return 0
  while IFS= read -r line; do
    key=${line%%=*}
    value=${line#*=}
    [ "$(sysctl -n "$key" 2>/dev/null | tr '\t' ' ')" = "$value" ] && continue
    sysctl -q -w "$key=$value" >/dev/null 2>&1 || step "warning: could not restore $key=$value"
  done <"$STATE_DIR/sysctl.before"
  for path in "${STRAY_PATHS[@]}"; do
    [ -e "$path" ] || continue
    grep -qxF "$path" "$STATE_DIR/paths.before" 2>/dev/null && continue
    findmnt -rn -o TARGET | grep -q "^$path/" && { step "warning: $path still has mounts; left in place"; continue; }
    rm -rf "$path"
  done
  rm -f "$STATE_DIR/sysctl.before" "$STATE_DIR/paths.before" "$STATE_DIR/chains.before" "$STATE_DIR/nft-tables.before"
}

# "tool table chain" for every chain the node's components name (KUBE-*, CNI-*).
iptables_chains() {
  local tool
  for tool in iptables ip6tables; do
    "$tool-save" 2>/dev/null | awk -v t="$tool" '/^\*/ {table = substr($1, 2)} /^:(KUBE|CNI)-/ {print t, table, substr($1, 2)}'
  done
}

# Deletes the KUBE-*/CNI-* chains the node made (not those that were there before it), first the
# rules of other chains that jump to them.
clean_iptables() {
  local tool table chain rule
  iptables_chains | while read -r tool table chain; do
    grep -qxF "$tool $table $chain" "$STATE_DIR/chains.before" 2>/dev/null && continue
    { "$tool-save" -t "$table" 2>/dev/null | grep -E -- "^-A .* -j $chain( |\$)" || true; } | while IFS= read -r rule; do
      # shellcheck disable=SC2086 # the rule is iptables-save's own word list
      eval "$tool -w -t $table -D ${rule#-A }" 2>/dev/null || true
    done
    echo "$tool $table $chain"
  done >"$STATE_DIR/chains.made"
  # Flush all first: chains of the node jump to each other, and a referenced chain cannot go.
  while read -r tool table chain; do "$tool" -w -t "$table" -F "$chain" 2>/dev/null || true; done <"$STATE_DIR/chains.made"
  while read -r tool table chain; do "$tool" -w -t "$table" -X "$chain" 2>/dev/null || true; done <"$STATE_DIR/chains.made"
  rm -f "$STATE_DIR/chains.made"
  drop_new_tables
}

# "family name" of every nftables table (iptables-nft keeps its tables there).
nft_tables() { { nft list tables 2>/dev/null || true; } | awk '$1 == "table" {print $2, $3}'; }

# iptables-nft creates a table on its first rule and never deletes it: drop the tables the node
# brought into being, once they hold no rule (so no one else's table is touched).
drop_new_tables() {
  local family table
  [ -f "$STATE_DIR/nft-tables.before" ] || return 0
  nft_tables | while read -r family table; do
    grep -qxF "$family $table" "$STATE_DIR/nft-tables.before" && continue
    # Only "table", "chain", "type ... hook" lines and braces: no rule is left in it.
    nft list table "$family" "$table" 2>/dev/null | grep -qvE '^\s*(table |chain |type |}|$)' && continue
    nft delete table "$family" "$table" 2>/dev/null || true
  done
}

# Removes the kubepods cgroups (deepest first) in every v1 hierarchy and the v2 mount.
clean_cgroups() {
  local dir
  for dir in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [ -d "$dir" ] || continue
    find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
    [ -d "$dir" ] && step "warning: $dir still has processes; left in place"
  done
  return 0
}

# Unmounts what the node left under its own folders and the netns bind mounts of its pods.
clean_mounts() {
  local target
  { findmnt -rn -o TARGET || true; } | awk -v a="$CLUSTER_DIR/" -v b="$RUN_DIR/" -v k=/var/lib/kubelet/ \
    'index($0, a) == 1 || index($0, b) == 1 || index($0, k) == 1 || $0 ~ "^/run/netns/cni-"' |
    sort -r | while IFS= read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || step "warning: could not unmount $target"
  done
}
