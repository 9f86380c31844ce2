// Proves: when the metrics source dies the operator holds every value (no scale-down on no data),
// sets MetricsAvailable=False with an Event, and resumes (here: loosening again) once it returns.
// KEDA's Prometheus scaler would read the empty result as 0 and scale down after its cooldown.
// The metrics source is the real API (`node api/src/main.ts`, cache off), made slow by a lock on the
// products table (stallProductReads) and killed with SIGKILL for the outage.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeDb, createBrand, createProduct } from '../support/api.ts';
import { stallProductReads } from '../support/databases.ts';
import {
  conditionOf,
  connectCluster,
  cpuTargetOf,
  createPolicy,
  createScaledApp,
  dropNamespace,
  freshNamespace,
  installCrd,
  listEvents,
  readHpa,
  readPolicy,
  type TestKube,
  testPort,
} from '../support/kube.ts';
import { type Child, type Load, load, startApi, startOperator } from '../support/processes.ts';
import { eventually, stack } from '../support/stack.ts';

const apiPort = testPort(2);
// The API's ops server (/readyz, /metrics): clear of the other files' test ports (offsets 0..9).
const apiOpsPort = testPort(22);
const operatorPort = testPort(3);
let k: TestKube;
let ns: string;
let api: Child | undefined;
let operator: Child | undefined;
let traffic: Load | undefined;
let productUrl = '';
/** 6 requests a second, bounded: a p95 in every 5 s window, and the ones a 3 s stall holds fit the pool. */
const startTraffic = () => load(productUrl, { perSecond: 6, maxRequests: 360, maxSeconds: 60, maxInFlight: 18 });

before(async () => {
  k = await connectCluster();
  await installCrd(k);
  ns = await freshNamespace(k, 'op-outage');
  await createScaledApp(k, ns, 'avelon-api', { cpu: 70, min: 2, max: 20 });
  const product = await createProduct({ brandId: (await createBrand()).id });
  productUrl = `http://127.0.0.1:${apiPort}/api/v1/products/${product.id}`;
  api = await startApi(apiPort, apiOpsPort);
  traffic = startTraffic();
  await createPolicy(k, ns, 'avelon', {
    evaluationIntervalSeconds: 1,
    api: { hpa: 'avelon-api', p95LatencyMs: 50, cpuTarget: { min: 40, max: 80 }, minReplicas: { min: 2, max: 20 } },
    metrics: {
      scrape: { api: { urls: [`http://127.0.0.1:${apiOpsPort}/metrics`] } },
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
  await api?.stop();
  await closeDb();
  await dropNamespace(k, ns);
});

const logs = () => `\noperator logs:\n${operator?.logs().slice(-3000)}`;
const hpaNow = async () => {
  const h = await readHpa(k, ns, 'avelon-api');
  return { cpu: cpuTargetOf(h) ?? 0, floor: h.spec?.minReplicas ?? 0 };
};

test('slow API: target down to its minimum, then the floor up', async () => {
  await eventually(
    `MetricsAvailable=True${logs()}`,
    async () => conditionOf(await readPolicy(k, ns, 'avelon'), 'MetricsAvailable')?.status === 'True',
    20_000,
  );
  // Product reads blocked for 3 s: answers seconds late fill the 5 s window's p95 while the operator,
  // paced at 1 s, cuts the target to its minimum and then raises the floor.
  const stall = await stallProductReads(4000);
  await sleep(3000);
  await stall.release();
  const releasedAt = Date.now();
  await eventually(
    `target 40 and floor raised${logs()}`,
    async () => {
      const h = await hpaNow();
      return h.cpu === 40 && h.floor > 2;
    },
    30_000,
  );
  console.log(`target 40, floor ${(await hpaNow()).floor}: ${Date.now() - releasedAt} ms after the lock was released`);
});

test('metrics source killed: condition set, Event recorded, nothing scaled down', async () => {
  traffic?.stop();
  await api?.kill();
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
  api = await startApi(apiPort, apiOpsPort);
  traffic = startTraffic();
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
