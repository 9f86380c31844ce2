import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hpa, policy, T0 } from '../decide/fixtures.test-support.ts';
import type { HpaState } from '../decide/index.ts';
import { HpaNotFoundError, KedaManagedHpaError, NoCpuMetricError } from '../errors.ts';
import type { MetricObservations } from '../sources/index.ts';
import { hpaNames, plan, type Readings } from './readings.ts';
import { initialState } from './state.ts';

const metrics = (missing: string[] = []): MetricObservations => ({
  at: T0,
  p95LatencyMs: 30,
  queues: { emails: { backlog: 0, oldestWaitSeconds: 0 } },
  cacheHitRates: { product: 0.95 },
  missing,
});
const read = (over: Partial<Readings> = {}): Readings => ({
  metrics: metrics(),
  hpas: { api: hpa(), worker: hpa({ cpuTarget: 80, minReplicas: 1 }) },
  ttls: { product: 600 },
  ...over,
});

type Row = [string, Readings, Record<string, number>, Record<string, HpaState | undefined>, string[], string[]];
// [what, readings, dry-run values, HPAs as decided on, problems "hpa Reason", missing]
const rows: Row[] = [
  // everything read: the HPAs as they are
  ['all read', read(), {}, { api: hpa(), worker: hpa({ cpuTarget: 80, minReplicas: 1 }) }, [], []],
  // a dry run decides on the values it would have set, over what the HPA says
  [
    'dry-run overlay',
    read(),
    { 'hpa/api.cpuTarget': 56, 'hpa/worker.minReplicas': 4 },
    { api: hpa({ cpuTarget: 56 }), worker: hpa({ cpuTarget: 80, minReplicas: 4 }) },
    [],
    [],
  ],
  // a KEDA-managed HPA is left out and becomes a problem with its reason
  [
    'keda',
    read({ hpas: { api: new KedaManagedHpaError('api', 'so'), worker: hpa() } }),
    {},
    { worker: hpa() },
    ['api KedaManagedHpa'],
    [],
  ],
  // an HPA that does not exist
  [
    'not found',
    read({ hpas: { api: hpa(), worker: new HpaNotFoundError('worker') } }),
    {},
    { api: hpa() },
    ['worker HpaNotFound'],
    [],
  ],
  // an HPA without a CPU metric
  [
    'no cpu metric',
    read({ hpas: { api: new NoCpuMetricError('api'), worker: hpa() } }),
    {},
    { worker: hpa() },
    ['api NoCpuMetric'],
    [],
  ],
  // any other failure reads as a failed apply (403, apiserver down)
  [
    'other error',
    read({ hpas: { api: new Error('forbidden'), worker: hpa() } }),
    {},
    { worker: hpa() },
    ['api ApplyFailed'],
    [],
  ],
  // TTLs unreadable: a missing metric, after those of the sources
  [
    'ttls unreadable',
    read({ metrics: metrics(['scrape: x']), ttls: new Error('ECONNREFUSED') }),
    {},
    { api: hpa(), worker: hpa({ cpuTarget: 80, minReplicas: 1 }) },
    [],
    ['scrape: x', 'cache Redis: current TTLs unreadable: ECONNREFUSED'],
  ],
];

for (const [what, readings, virtual, hpas, problems, missing] of rows) {
  test(`plan: ${what}`, () => {
    const p = plan(policy(), readings, { ...initialState(), virtual }, T0, false);
    assert.deepEqual(p.obs.hpas, hpas);
    assert.deepEqual(
      p.problems.map((x) => `${x.hpa} ${x.reason}`),
      problems,
    );
    assert.deepEqual(p.obs.missing, missing);
  });
}

test('plan: TTLs read reach the decision; a policy without cache reads none', () => {
  assert.deepEqual(plan(policy(), read(), initialState(), T0, false).obs.cacheTtls, { product: 600 });
  assert.equal(plan(policy(), read({ ttls: undefined }), initialState(), T0, false).obs.cacheTtls, undefined);
});

test('plan: the readings are not changed (the runner may log them)', () => {
  const r = read({ ttls: new Error('down') });
  plan(policy(), r, initialState(), T0, false);
  assert.deepEqual(r.metrics.missing, []);
});

// [what, policy dryRun, process --dry-run, dry]
const dry: Array<[string, boolean, boolean, boolean]> = [
  // neither: changes are applied
  ['neither', false, false, false],
  // the policy's own dryRun
  ['policy', true, false, true],
  // the process-wide --dry-run
  ['process', false, true, true],
];
for (const [what, spec, process, want] of dry) {
  test(`plan: dry run from ${what}`, () =>
    assert.equal(plan(policy({ dryRun: spec }), read(), initialState(), T0, process).dry, want));
}

test('hpaNames: each HPA once, the API first', () => {
  const spec = policy({
    workers: [
      { queue: 'a', hpa: 'worker', maxWaitSeconds: 30, replicas: { min: 1, max: 5 } },
      { queue: 'b', hpa: 'worker', maxWaitSeconds: 30, replicas: { min: 1, max: 5 } },
    ],
  });
  assert.deepEqual(hpaNames(spec), ['api', 'worker']);
  assert.deepEqual(hpaNames(policy({ api: undefined, workers: [] })), []);
});
