#!/usr/bin/env bash
# Prints the machine state the test node may touch, one sorted line per fact, so two snapshots
# (before `cluster-up`, after `cluster-down`) can be compared line by line:
# sysctls, iptables chains (v4 and v6, every table), mounts, network links and addresses, cgroups,
# and the well-known paths the kubelet and CNI write to even when told to use other folders.
set -euo pipefail

# Counters and random values that change on their own, whatever the scripts do.
volatile='^(fs\.(dentry-state|file-nr|inode-nr|inode-state|aio-nr|quota\.)|kernel\.(random\.|ns_last_pid|pty\.nr|tainted)|net\.netfilter\.nf_conntrack_count|vm\.(nr_|stat_refresh))'

sysctl -a 2>/dev/null | grep -Ev "$volatile" | sed 's/^/sysctl /'
for tool in iptables ip6tables; do
  command -v "$tool-save" >/dev/null || continue
  "$tool-save" 2>/dev/null | awk -v t="$tool" '/^\*/ {table = substr($1, 2)} /^:/ {print t, "chain", table, substr($1, 2)}
    /^-A/ && $0 ~ /-j (KUBE|CNI)-/ {print t, "rule", table, $0}'
done
{ nft list tables 2>/dev/null || true; } | sed 's/^/nft /'
findmnt -rn -o TARGET,FSTYPE | sed 's/^/mount /'
ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); print "link", $2}'
ip -o addr show | awk '{print "addr", $2, $3, $4}'
# The workplace runs its own commands in cgroups under process_api: they come and go.
find /sys/fs/cgroup -mindepth 1 -maxdepth 3 -type d 2>/dev/null | grep -v /process_api/ | sed "s/^/cgroup /"
for path in /var/lib/kubelet /var/log/pods /var/log/containers /var/lib/cni /etc/cni /run/netns /opt/cni; do
  [ -e "$path" ] && find "$path" -maxdepth 2 2>/dev/null | sed 's/^/path /'
done
true
