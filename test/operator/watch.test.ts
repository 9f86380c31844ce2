// Proves, against a real kube-apiserver, that the operator watches its ScalingPolicies and writes
// status only when it says something new: a policy created after the operator started is taken up, a
// spec edit is evaluated at once although the policy's interval is long (observedGeneration follows),
// evaluations that change nothing but the observed figures leave the object alone (its
// resourceVersion stays while they go on), and a deleted policy is forgotten: no more evaluations,
// off /decisions, nothing logged about it — while another policy goes on.
// The API is the latency fixture without traffic: its p95 is idle, so nothing is ever decided and the
// status settles after the first evaluation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type DecisionsResponse, operatorDecisionsPath } from '@avelon/core';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { crdGroup, crdPlural, crdVersion } from '../../operator/src/crd/index.ts';
import {
  conditionOf,
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
import { type Child, startLatencyApp, startOperator } from '../support/processes.ts';
import { eventually } from '../support/stack.ts';

const appPort = testPort(4);
const operatorPort = testPort(5);
// The policies steer no queue and no cache: Redis is never read.
const nowhere = 'redis://127.0.0.1:1';
let k: TestKube;
let ns: string;
let app: Child | undefined;
let operator: Child | undefined;

const spec = (over: object = {}) => ({
  evaluationIntervalSeconds: 1,
  api: { hpa: 'avelon-api', p95LatencyMs: 50, cpuTarget: { min: 40, max: 80 }, minReplicas: { min: 2, max: 20 } },
  metrics: { scrape: { api: { urls: [`http://127.0.0.1:${appPort}/metrics`] } } },
  ...over,
});

before(async () => {
  k = await connectCluster();
  await installCrd(k);
  ns = await freshNamespace(k, 'op-watch');
  await createScaledApp(k, ns, 'avelon-api', { cpu: 70, min: 2, max: 20 });
  app = await startLatencyApp(appPort, 1);
  // Started before any policy exists: what it evaluates, it learnt from the watch.
  operator = await startOperator(operatorPort, {
    KUBECONFIG: k.kubeconfig,
    OPERATOR_NAMESPACE: ns,
    OPERATOR_IDENTITY: 'op-watch',
    OPERATOR_LEASE_RETRY_S: '1',
    REDIS_QUEUE_URL: nowhere,
    REDIS_CACHE_URL: nowhere,
  });
});

after(async () => {
  await operator?.stop();
  await app?.stop();
  await dropNamespace(k, ns);
});

const logs = () => `\noperator logs:\n${operator?.logs().slice(-3000)}`;

/** Sum of a counter's series for one policy on the operator's /metrics. */
async function counter(name: string, policy: string, extra = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${operatorPort}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && l.includes(`policy="${policy}"`) && l.includes(extra))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}
const evaluations = (policy: string) => counter('avelon_operator_evaluations_total', policy);

/** A merge patch of the spec, as `kubectl patch --type merge` sends it: a new generation. */
const patchSpec = (name: string, spec: object) =>
  k.custom.patchNamespacedCustomObject(
    { group: crdGroup, version: crdVersion, namespace: ns, plural: crdPlural, name, body: { spec } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );

test('a policy created after the operator started is taken up', async () => {
  await createPolicy(k, ns, 'avelon', spec());
  await eventually(
    `status written by op-watch${logs()}`,
    async () => {
      const p = await readPolicy(k, ns, 'avelon');
      return p.status?.leader === 'op-watch' && conditionOf(p, 'Ready')?.status === 'True';
    },
    20_000,
  );
  assert.equal((await readPolicy(k, ns, 'avelon')).status?.observedGeneration, 1);
});

test('evaluations that change nothing but the observed figures write no status', async () => {
  // The first evaluations may still settle a condition (a figure the first scrape could not have).
  await eventually('two evaluations', async () => (await evaluations('avelon')) >= 2, 10_000);
  const before = await readPolicy(k, ns, 'avelon');
  const rv = (before as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
  const from = await evaluations('avelon');
  await eventually('three more evaluations', async () => (await evaluations('avelon')) >= from + 3, 15_000);
  const now = await readPolicy(k, ns, 'avelon');
  assert.equal(
    (now as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion,
    rv,
    'the object was not written',
  );
  assert.equal(now.status?.lastEvaluationTime, before.status?.lastEvaluationTime);
  assert.equal(await counter('avelon_operator_status_writes_total', 'avelon', 'reason="heartbeat"'), 0);
});

test('a spec edit is evaluated at once, not at the next interval', async () => {
  // A long interval first: from here on only a new generation can bring an evaluation within a minute.
  await patchSpec('avelon', { evaluationIntervalSeconds: 120 });
  await eventually(
    `generation 2 observed${logs()}`,
    async () => (await readPolicy(k, ns, 'avelon')).status?.observedGeneration === 2,
    15_000,
  );
  await patchSpec('avelon', { api: { p95LatencyMs: 60 } });
  await eventually(
    `generation 3 observed well within the 120 s interval${logs()}`,
    async () => (await readPolicy(k, ns, 'avelon')).status?.observedGeneration === 3,
    30_000,
  );
  const p = await readPolicy(k, ns, 'avelon');
  assert.ok(
    p.status?.conditions?.every((c) => c.observedGeneration === 3),
    JSON.stringify(p.status?.conditions),
  );
});

test('a deleted policy is forgotten while another goes on', async () => {
  const decisions = async () =>
    (await (await fetch(`http://127.0.0.1:${operatorPort}${operatorDecisionsPath}`)).json()) as DecisionsResponse;
  assert.ok((await decisions()).policies.some((p) => p.name === 'avelon'));
  await k.custom.deleteNamespacedCustomObject({
    group: crdGroup,
    version: crdVersion,
    namespace: ns,
    plural: crdPlural,
    name: 'avelon',
  });
  await eventually(
    'avelon off /decisions',
    async () => !(await decisions()).policies.some((p) => p.name === 'avelon'),
    10_000,
  );
  const last = await evaluations('avelon');
  await createPolicy(k, ns, 'other', spec());
  await eventually(`other evaluated three times${logs()}`, async () => (await evaluations('other')) >= 3, 20_000);
  assert.equal(await evaluations('avelon'), last, 'no evaluation of the deleted policy');
  assert.doesNotMatch(operator?.logs() ?? '', new RegExp(`policy ${ns}/avelon:`), 'no error about it');
});
