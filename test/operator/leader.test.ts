// Proves leader election on a coordination.k8s.io/v1 Lease against a real apiserver: racing candidates
// produce exactly one leader (resourceVersion conflicts); of two operator processes one leads and only
// it writes; killing it (no release) hands over once the lease expires; a graceful stop releases the
// lease (empty holder) so the next process needs no expiry; never two writers at any sampled moment.
// Handover times are printed, never asserted: a loaded machine makes them a figure, not a defect.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LeaseElector } from '../../operator/src/leader/index.ts';
import {
  connectCluster,
  createPolicy,
  createScaledApp,
  dropNamespace,
  freshNamespace,
  installCrd,
  readPolicy,
  type TestKube,
  testPort,
} from '../support/kube.ts';
import { type Child, gauge, load, startLatencyApp, startOperator } from '../support/processes.ts';
import { eventually, stack } from '../support/stack.ts';

const appPort = testPort(4);
const ports = { a: testPort(5), b: testPort(6) };
const leaseSeconds = 4;
let k: TestKube;
let ns: string;
let app: Child | undefined;
let traffic: { stop: () => void } | undefined;
const operators: Child[] = [];

before(async () => {
  k = await connectCluster();
  await installCrd(k);
  ns = await freshNamespace(k, 'op-leader');
  await createScaledApp(k, ns, 'avelon-api', { cpu: 70, min: 2, max: 20 });
  app = await startLatencyApp(appPort, 1);
  traffic = load(`http://127.0.0.1:${appPort}/work`, { perSecond: 10, maxRequests: 1800, maxSeconds: 180 });
  await createPolicy(k, ns, 'avelon', {
    evaluationIntervalSeconds: 1,
    api: { hpa: 'avelon-api', p95LatencyMs: 50, cpuTarget: { min: 40, max: 80 }, minReplicas: { min: 2, max: 20 } },
    metrics: { scrape: { api: { urls: [`http://127.0.0.1:${appPort}/metrics`] } } },
  });
});

after(async () => {
  traffic?.stop();
  for (const o of operators) await o.stop();
  await app?.stop();
  await dropNamespace(k, ns);
});

const lease = () => k.coordination.readNamespacedLease({ namespace: ns, name: 'avelon-operator' });
const holder = async () => (await lease().catch(() => undefined))?.spec?.holderIdentity ?? '';
const start = (id: 'a' | 'b') =>
  startOperator(ports[id], {
    KUBECONFIG: k.kubeconfig,
    OPERATOR_NAMESPACE: ns,
    OPERATOR_IDENTITY: `op-${id}`,
    OPERATOR_LEASE_DURATION_S: String(leaseSeconds),
    OPERATOR_LEASE_RENEW_DEADLINE_S: '3',
    OPERATOR_LEASE_RETRY_S: '1',
    REDIS_QUEUE_URL: stack.REDIS_QUEUE_URL,
    REDIS_CACHE_URL: stack.REDIS_CACHE_URL,
  }).then((c) => {
    operators.push(c);
    return c;
  });

/** Both processes' leader gauges at one moment: at most one may say 1. */
async function assertOneWriter(): Promise<void> {
  const [a, b] = await Promise.all([
    gauge(`http://127.0.0.1:${ports.a}/metrics`, 'avelon_operator_leader'),
    gauge(`http://127.0.0.1:${ports.b}/metrics`, 'avelon_operator_leader'),
  ]);
  assert.ok((a ?? 0) + (b ?? 0) <= 1, `two leaders at once: a=${a} b=${b}`);
}

test('racing candidates on one Lease: exactly one wins', async () => {
  const electors = ['x1', 'x2', 'x3', 'x4'].map(
    (identity) =>
      new LeaseElector({ api: k.coordination, namespace: ns, name: 'race', identity, leaseDurationSeconds: 30 }),
  );
  const won = await Promise.all(electors.map((e) => e.tryAcquireOrRenew()));
  assert.equal(won.filter(Boolean).length, 1, `winners: ${won}`);
  const winner = electors[won.indexOf(true)];
  // Renewing keeps it; the others still cannot take it while it is fresh.
  assert.equal(await winner?.tryAcquireOrRenew(), true);
  assert.deepEqual(await Promise.all(electors.filter((e) => e !== winner).map((e) => e.tryAcquireOrRenew())), [
    false,
    false,
    false,
  ]);
  await winner?.release();
  assert.equal((await k.coordination.readNamespacedLease({ namespace: ns, name: 'race' })).spec?.holderIdentity, '');
});

test('two operators: one leads and only it writes the status', async () => {
  const a = await start('a');
  await eventually('op-a holds the lease', async () => (await holder()) === 'op-a', 10_000);
  await start('b');
  const until = Date.now() + 4000;
  while (Date.now() < until) {
    await assertOneWriter();
    assert.equal(await holder(), 'op-a');
    const p = await readPolicy(k, ns, 'avelon');
    assert.ok(!p.status?.leader || p.status.leader === 'op-a', `status written by ${p.status?.leader}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.equal((await readPolicy(k, ns, 'avelon')).status?.leader, 'op-a');
  assert.equal(await gauge(`http://127.0.0.1:${ports.b}/metrics`, 'avelon_operator_leader'), 0);
  assert.ok(a.proc.pid);
});

test('the leader is killed: the other takes over once the lease expires, never two writers', async () => {
  const a = operators[0] as Child;
  const killedAt = Date.now();
  await a.kill();
  await eventually(
    'op-b holds the lease',
    async () => {
      await assertOneWriter();
      return (await holder()) === 'op-b';
    },
    // A generous bound on a stuck handover only; the time itself is printed above, never asserted.
    60_000,
  );
  console.log(`handover after ${Date.now() - killedAt} ms (lease ${leaseSeconds} s)`);
  assert.ok(((await lease()).spec?.leaseTransitions ?? 0) >= 1, 'the handover is recorded as a transition');
  await eventually(
    'op-b writes the status',
    async () => (await readPolicy(k, ns, 'avelon')).status?.leader === 'op-b',
    30_000,
  );
});

test('a graceful stop releases the Lease: the next operator takes over at once', async () => {
  const b = operators[1] as Child;
  await b.stop();
  assert.equal(await holder(), '', 'released on SIGTERM');
  // An empty holder is free at once (no expiry to wait out): the next candidate takes it on its first try.
  await start('a');
  await eventually('new op-a holds the lease', async () => (await holder()) === 'op-a', 30_000);
});
