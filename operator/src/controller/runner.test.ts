import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { Redis } from 'ioredis';
import { parsePolicySpec } from '../crd/index.ts';
import type { Action, HpaState } from '../decide/index.ts';
import { KedaManagedHpaError } from '../errors.ts';
import type { EventReason } from '../evaluate/index.ts';
import { DecisionLog } from './decision-log.ts';
import type { Effects } from './effects.ts';
import { kedaOwner } from './hpa.ts';
import { OperatorMetrics } from './metrics.ts';
import { PolicyRunner } from './runner.ts';

// An API whose every request took ~0.4 s: p95 far over any SLO, so the runner always has a cut to make.
let served = 0;
let server: Server;
let url = '';
before(async () => {
  server = createServer((_q, res) => {
    served += 100;
    res.end(
      `avelon_http_request_duration_seconds_bucket{le="0.01"} 0\navelon_http_request_duration_seconds_bucket{le="0.5"} ${served}\navelon_http_request_duration_seconds_bucket{le="+Inf"} ${served}\n`,
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
after(() => server.close());

/** Effects that record instead of touching a cluster. */
class FakeEffects implements Effects {
  hpa: HpaState | Error = { cpuTarget: 70, minReplicas: 2, maxReplicas: 20 };
  applied: Action[] = [];
  events: Array<{ reason: EventReason; type: string }> = [];
  async readHpa(): Promise<HpaState> {
    if (this.hpa instanceof Error) throw this.hpa;
    return { ...this.hpa };
  }
  async applyHpa(a: Extract<Action, { kind: 'cpuTarget' | 'minReplicas' }>) {
    this.applied.push(a);
    if (!(this.hpa instanceof Error)) this.hpa[a.kind] = a.to;
  }
  readTtls = async () => ({});
  writeTtl = async () => {};
  async event(reason: EventReason, _note: string, type: 'Normal' | 'Warning') {
    this.events.push({ reason, type });
  }
  canWrite = () => true;
}

const spec = (dryRun: boolean) =>
  parsePolicySpec({
    dryRun,
    api: { hpa: 'api', p95LatencyMs: 50, cpuTarget: { min: 40, max: 80 }, minReplicas: { min: 2, max: 20 } },
    metrics: { scrape: { api: { urls: [url] } } },
    behavior: { cpuTargetDownIntervalSeconds: 0 },
  });
const deps = {
  resolveTargets: async (_r: string, t: { urls?: string[] }) => t.urls ?? [],
  // No workers in these policies: the queue source is built but never read.
  queueRedis: () => ({}) as Redis,
  queuePrefix: 'x',
};

async function threeEvaluations(
  dryRun: boolean,
  effects: FakeEffects,
  log?: DecisionLog,
  metrics = new OperatorMetrics(),
) {
  const runner = new PolicyRunner('p', deps, metrics, undefined, log);
  const o = { effects, dryRun: false, identity: 'test' };
  // The first scrape opens the window; the second has a p95; the third acts on what the second did.
  await runner.evaluate(spec(dryRun), { ...o, now: 1_000_000 });
  await runner.evaluate(spec(dryRun), { ...o, now: 1_002_000 });
  const status = await runner.evaluate(spec(dryRun), { ...o, now: 1_004_000 });
  await runner.close();
  return status;
}

test('applied: the cut reaches the HPA, with an Event and a status line', async () => {
  const effects = new FakeEffects();
  const status = await threeEvaluations(false, effects);
  assert.equal(effects.applied[0]?.target, 'hpa/api.cpuTarget');
  assert.equal(`${effects.applied[0]?.from}->${effects.applied[0]?.to}`, '70->40');
  assert.ok(effects.events.some((e) => e.reason === 'CpuTargetLowered'));
  assert.equal(status.recentDecisions?.[0]?.mode, 'applied');
  assert.equal(status.applied?.api?.cpuTarget, 40);
  assert.equal(effects.applied[1]?.target, 'hpa/api.minReplicas', 'then the floor, from the applied target');
});

test('the decision log keeps each change with the values it reacted to, and the goals', async () => {
  const log = new DecisionLog(1);
  const metrics = new OperatorMetrics();
  await threeEvaluations(false, new FakeEffects(), log, metrics);
  const all = log.since(0);
  assert.equal(all.latestSeq, 2, 'two decisions: the cut, then the floor');
  assert.equal(all.decisions.length, 1, 'bounded by its capacity');
  const floor = all.decisions[0];
  assert.equal(floor?.target, 'hpa/api.minReplicas');
  assert.equal(floor?.hpa, 'api');
  assert.equal(floor?.observed.sloMs, 50);
  assert.ok((floor?.observed.p95LatencyMs ?? 0) > 50, 'the p95 that violated the SLO');
  assert.deepEqual(all.policies[0]?.api?.cpuTarget, { min: 40, max: 80 });
  assert.deepEqual(log.since(2).decisions, [], 'nothing after the latest');
  // The gauges of what is in force are there after every evaluation, not only after a change.
  const text = await metrics.registry.metrics();
  assert.match(text, /avelon_operator_hpa_cpu_target_percent\{policy="p",hpa="api"\} 40/);
});

test('dry run: nothing applied, the decision is reported and followed virtually', async () => {
  const effects = new FakeEffects();
  const status = await threeEvaluations(true, effects);
  assert.deepEqual(effects.applied, []);
  assert.ok(effects.events.some((e) => e.reason === 'DryRunDecision'));
  assert.equal(status.recentDecisions?.[0]?.mode, 'dryRun');
  // The third evaluation starts from the would-be 40 (so it raises the floor), not again from 70.
  const lines = status.recentDecisions?.map((d) => `${d.target} ${d.from}->`);
  assert.deepEqual(lines, ['hpa/api.cpuTarget 70->', 'hpa/api.minReplicas 2->']);
});

test('a KEDA-managed HPA is refused: Ready=False with the reason, a Warning, nothing applied', async () => {
  const effects = new FakeEffects();
  effects.hpa = new KedaManagedHpaError('api', 'so-api');
  const status = await threeEvaluations(false, effects);
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.reason, 'KedaManagedHpa');
  assert.ok(effects.events.some((e) => e.reason === 'KedaManagedHpa' && e.type === 'Warning'));
  assert.deepEqual(effects.applied, []);
});

// [what, metadata, the ScaledObject found]
const keda: Array<[string, object, string | undefined]> = [
  // KEDA's own HPAs carry an owner reference to their ScaledObject
  [
    'owner reference',
    { ownerReferences: [{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'so', uid: 'u' }] },
    'so',
  ],
  // and its label
  ['label', { labels: { 'scaledobject.keda.sh/name': 'so2' } }, 'so2'],
  // an HPA of a Deployment's owner is fine
  ['plain HPA', { labels: { app: 'api' } }, undefined],
];
for (const [what, metadata, want] of keda) {
  test(`kedaOwner: ${what}`, () => assert.equal(kedaOwner({ metadata } as V2HorizontalPodAutoscaler), want));
}
