// Proves: when the metrics source dies the operator holds every value (no scale-down on no data),
// sets MetricsAvailable=False with an Event, and resumes (here: loosening again) once it returns.
// KEDA's Prometheus scaler would read the empty result as 0 and scale down after its cooldown.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  conditionOf,
  cpuTargetOf,
  createPolicy,
  createScaledApp,
  freshNamespace,
  installCrd,
  listEvents,
  readHpa,
  readPolicy,
  startControlPlane,
  stopControlPlane,
  type TestKube,
  testPort,
} from '../support/kube.ts';
import { type Child, load, startLatencyApp, startOperator } from '../support/processes.ts';
import { eventually, stack } from '../support/stack.ts';

const appPort = testPort(2);
const operatorPort = testPort(3);
let k: TestKube;
let ns: string;
let app: Child | undefined;
let operator: Child | undefined;
let traffic: { stop: () => void } | undefined;

before(async () => {
  k = await startControlPlane();
  await installCrd(k);
  ns = await freshNamespace(k, 'op-outage');
  await createScaledApp(k, ns, 'avelon-api', { cpu: 70, min: 2, max: 20 });
  app = await startLatencyApp(appPort, 120);
  traffic = load(appPort, 30);
  await createPolicy(k, ns, 'avelon', {
    evaluationIntervalSeconds: 1,
    api: { hpa: 'avelon-api', p95LatencyMs: 50, cpuTarget: { min: 40, max: 80 }, minReplicas: { min: 2, max: 20 } },
    metrics: {
      scrape: { api: { urls: [`http://127.0.0.1:${appPort}/metrics`] } },
      windowSeconds: 5,
      staleAfterSeconds: 5,
    },
    // Fast pacing, so that "nothing moved" during the outage means something: with data this calm
    // the floor would come down within a few seconds.
    behavior: {
      cpuTargetDownIntervalSeconds: 1,
      cpuTargetUpIntervalSeconds: 1,
      floorUpIntervalSeconds: 1,
      floorDownIntervalSeconds: 1,
      raiseAfterSeconds: 3,
    },
  });
  operator = await startOperator(operatorPort, {
    KUBECONFIG: k.kubeconfig,
    OPERATOR_NAMESPACE: ns,
    OPERATOR_IDENTITY: 'operator-outage',
    REDIS_QUEUE_URL: stack.REDIS_QUEUE_URL,
    REDIS_CACHE_URL: stack.REDIS_CACHE_URL,
  });
});

after(async () => {
  traffic?.stop();
  await operator?.stop();
  await app?.stop();
  await stopControlPlane(k);
});

const logs = () => `\noperator logs:\n${operator?.logs().slice(-3000)}`;
const hpaNow = async () => {
  const h = await readHpa(k, ns, 'avelon-api');
  return { cpu: cpuTargetOf(h) ?? 0, floor: h.spec?.minReplicas ?? 0 };
};

test('slow API: target down to its minimum, then the floor up', async () => {
  await eventually(
    `target 40 and floor raised${logs()}`,
    async () => {
      const h = await hpaNow();
      return h.cpu === 40 && h.floor > 2;
    },
    30_000,
  );
});

test('metrics source killed: condition set, Event recorded, nothing scaled down', async () => {
  await app?.kill();
  traffic?.stop();
  await eventually(
    `MetricsAvailable=False${logs()}`,
    async () => conditionOf(await readPolicy(k, ns, 'avelon'), 'MetricsAvailable')?.status === 'False',
    10_000,
  );
  const held = await hpaNow();
  const p = await readPolicy(k, ns, 'avelon');
  assert.match(conditionOf(p, 'MetricsAvailable')?.message ?? '', /none of 1 api target\(s\) answered/);
  // Longer than raiseAfterSeconds + pacing: with data saying "calm", the floor would have dropped by now.
  const until = Date.now() + 8000;
  while (Date.now() < until) {
    assert.deepEqual(await hpaNow(), held, 'an HPA field moved while metrics were missing');
    await new Promise((r) => setTimeout(r, 500));
  }
  const events = await listEvents(k, ns);
  assert.ok(events.some((e) => e.reason === 'MetricsUnavailable' && e.type === 'Warning'));
});

test('metrics back (and calm): MetricsAvailable=True, and the operator loosens again', async () => {
  const held = await hpaNow();
  app = await startLatencyApp(appPort, 1);
  traffic = load(appPort, 30);
  await eventually(
    `MetricsAvailable=True${logs()}`,
    async () => conditionOf(await readPolicy(k, ns, 'avelon'), 'MetricsAvailable')?.status === 'True',
    15_000,
  );
  await eventually(
    `floor lowered from ${held.floor}${logs()}`,
    async () => (await hpaNow()).floor < held.floor,
    20_000,
  );
  const events = await listEvents(k, ns);
  assert.ok(events.some((e) => e.reason === 'MetricsRecovered'));
  assert.ok(events.some((e) => e.reason === 'MinReplicasLowered'));
});
