// Proves that the test node leaves the machine as it found it: scripts/test/integration.sh snapshots
// sysctls, iptables chains, mounts, network links and addresses, cgroups and the kubelet's and
// CNI's well-known folders (scripts/cluster/snapshot.sh) before `cluster-up` and after
// `cluster-down`, with every test in between; this compares the two.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const dir = process.env.AVELON_HOST_SNAPSHOTS;
const lines = (name: string) => new Set(readFileSync(`${dir}/${name}.txt`, 'utf8').trim().split('\n'));

test('the snapshot sees what a running node changes (so a leftover would be caught)', {
  skip: !dir && 'run by scripts/test/integration.sh',
}, () => {
  const before = lines('before');
  const made = [...lines('during')].filter((l) => !before.has(l));
  // [what the node makes, a line the snapshot must show for it]
  const expected: Array<[string, RegExp]> = [
    ['the CNI bridge', /^link avelon0$/],
    ['the node address on lo', /^addr lo inet 10\.202\.0\.1\/32$/],
    ["kube-proxy's iptables chains", /^iptables chain nat KUBE-SERVICES$/],
    ["the kubelet's pod cgroups", /^cgroup \/sys\/fs\/cgroup\/cpu\/kubepods$/],
    ['the mounts of running pods', /^mount .*\/\.data\/cluster\/|^mount \/run\/avelon-cluster\//],
    ['a sysctl the node sets', /^sysctl net\.ipv4\.conf\.all\.route_localnet = 1$/],
  ];
  for (const [what, line] of expected)
    assert.ok(
      made.some((l) => line.test(l)),
      `${what} not seen in the snapshot`,
    );
});

test('cluster-down restores what cluster-up and the node changed', {
  skip: !dir && 'run by scripts/test/integration.sh',
}, () => {
  const before = lines('before');
  const after = lines('after');
  const gone = [...before].filter((l) => !after.has(l));
  const added = [...after].filter((l) => !before.has(l));
  assert.ok(before.size > 100, 'the snapshot saw the machine (sysctls, mounts, links)');
  assert.deepEqual({ gone, added }, { gone: [], added: [] }, 'the machine differs after teardown');
});
