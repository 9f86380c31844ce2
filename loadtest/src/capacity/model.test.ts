import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assumptionValues } from './assumptions.ts';
import { type Measured, type Shipped, workerJobsPerSecond } from './inputs.ts';
import { type Inputs, listPages, perDay, podsFor, poolSize, sizeTier, traffic, workerRate } from './model.ts';

// [name, rate, per pod, utilization, min, pods]
const pods: Array<[string, number, number, number, number, number]> = [
  // 30 000 req/s at 1000 per pod planned at 70%: 42.86 rounds up
  ['rounds up', 30_000, 1000, 0.7, 0, 43],
  // an exact fit is not one more pod (7000 ÷ 700 is 10 within float noise)
  ['exact fit', 7000, 1000, 0.7, 0, 10],
  // tiny load: the floor wins
  ['floor wins', 10, 1000, 0.7, 2, 2],
  // no load, no floor: none
  ['nothing', 0, 1000, 0.7, 0, 0],
];
for (const [name, rate, perPod, u, min, want] of pods) {
  test(`podsFor: ${name}`, () => assert.equal(podsFor(rate, perPod, u, min), want));
}

// [name, measured jobs/s, concurrency, seconds per job, jobs/s per pod]
const rates: Array<[string, number, number, number, number]> = [
  // a slow SMTP relay bounds the pod: 16 slots ÷ 0.4 s
  ['bounded by the far end', 734, 16, 0.4, 40],
  // a fast far end: the measured CPU-bound rate bounds it
  ['bounded by CPU', 734, 16, 0.001, 734],
];
for (const [name, measured, concurrency, seconds, want] of rates) {
  test(`workerRate: ${name}`, () => assert.equal(workerRate(measured, concurrency, seconds), want));
}

// [name, tx/s, tx seconds, instances, pool per instance]
const pools: Array<[string, number, number, number, number]> = [
  // 20 000 tx/s × 10 ms = 200 busy, 100 per instance: 100 + 3 × 10
  ['large: padded by the square root', 20_000, 0.01, 2, 130],
  // 104 tx/s × 10 ms = 1.04 busy, 0.52 per instance: 0.52 + 3 × 0.72 = 2.68 → 3, covering bursts
  ['small: bursts dominate', 104, 0.01, 2, 3],
  // one instance carries all of 400 tx/s × 10 ms = 4: 4 + 3 × 2
  ['one instance', 400, 0.01, 1, 10],
  // nothing to do still keeps one connection
  ['at least one', 0, 0.01, 2, 1],
];
for (const [name, tps, seconds, n, want] of pools) {
  test(`poolSize: ${name}`, () => assert.equal(poolSize(tps, seconds, n), want));
}

test('listPages: plain lists plus category and brand pages', () => {
  const k = { filterVariants: 12, sorts: 4, listDepth: 50, facetDepth: 10, pageSize: 20 };
  // 12 × 4 × 50 = 2400, (500 + 300) × 4 × 10 = 32 000
  assert.equal(listPages(k, 500, 300), 34_400);
});

test('perDay: trapezoids between points', () => {
  const trace = { points: [[0, 10, 1] as [number, number, number], [100, 30, 3], [200, 30, 3]] };
  // requests: (10 + 30) / 2 × 100 + 30 × 100 = 5000; jobs a tenth of that
  assert.equal(perDay(trace as never, 1), 5000);
  assert.equal(perDay(trace as never, 2), 500);
});

// [users, concurrent, peak req/s, sale req/s] at the seed's assumptions (5% online, 0.3 req/s, 10× sale)
const tiers: Array<[number, number, number, number]> = [
  [10_000, 500, 150, 1500],
  [100_000, 5000, 1500, 15_000],
  [2_000_000, 100_000, 30_000, 300_000],
];
for (const [users, concurrent, peak, sale] of tiers) {
  test(`traffic: ${users} users`, () => {
    const t = traffic(users, assumptionValues());
    assert.equal(t.concurrent, concurrent);
    assert.ok(Math.abs(t.peak - peak) < 1e-6 && Math.abs(t.sale - sale) < 1e-6, JSON.stringify(t));
  });
}

const measured: Measured = {
  apiDate: '2026-01-01T00:00:00.000Z',
  podRps: 1000,
  p95AtHalfMs: 10,
  hitRate: 0.9,
  dbQueriesPerRequest: 0.1,
  postgresQps: 1000,
  workerJobsPerSecond: 500,
  catalogue: { products: 1000, categories: 10, brands: 10 },
};
const shipped: Shipped = {
  cpuTarget: 0.5,
  apiMinReplicas: 2,
  pgbouncerReplicas: 2,
  dbPoolSize: 10,
  replicaPoolSize: 5,
  queues: { emails: { concurrency: 10, maxWaitSeconds: 30 }, notifications: { concurrency: 5, maxWaitSeconds: 60 } },
  keepCompleted: 100,
  keepFailed: 100,
  ledgerRetentionSeconds: 86_400,
  listPageKinds: { filterVariants: 1, sorts: 1, listDepth: 10, facetDepth: 1, pageSize: 10 },
  chart: {
    apiMaxReplicas: 20,
    workerMaxReplicas: { emails: 20, notifications: 10 },
    readReplicas: 1,
    pgbouncerPool: 20,
    maxClientConn: 2000,
    maxConnections: 200,
    cacheMaxmemory: '256mb',
    queueMaxmemory: '512mb',
  },
};

test('sizeTier: 2M users on round inputs', () => {
  const i: Inputs = { measured, shipped, a: assumptionValues() };
  const s = sizeTier(2_000_000, i);
  // 30 000 req/s ÷ (1000 × 0.5) = 60 pods; the sale 600
  assert.deepEqual(s.apiPods, { peak: 60, sale: 600 });
  // emails: min(500, 10 ÷ 0.4 s) = 25 jobs/s a pod; 300 jobs/s ÷ 12.5 = 24, sale 9900 ÷ 12.5 = 792
  assert.equal(s.workerRates.emails, 25);
  assert.deepEqual(s.workerPods.emails, { peak: 24, sale: 792 });
  // reads: 3000 q/s ÷ (1000 × 0.7) = 4.3 → 5 replicas; the sale 30 000 → 43
  assert.deepEqual(s.replicas, { peak: 5, sale: 43 });
  // every API pod of the sale opens 5 connections to each replica
  assert.equal(s.replicaConnections, 3000);
  // cache: 1000 products × 1500 B + 30 pages (10 plain + 20 category and brand) × (10 × 450 + 200) B,
  // users 100 000 × 10 × 550 B, all ÷ 0.7
  assert.equal(s.cache.catalogueBytes, 1000 * 1500 + 30 * 4700);
  assert.equal(s.cache.maxmemory, (1000 * 1500 + 30 * 4700 + 100_000 * 10 * 550) / 0.7);
  // the ledger keeps one day of jobs (emails and half as many notifications) at 300 B each
  assert.equal(s.queue.ledgerBytes, s.emailsPerDay * 1.5 * 300);
});

test('workerJobsPerSecond: the median of one process from the Worker table', () => {
  const md = [
    '# Benchmarks',
    '## Worker',
    '| worker processes | jobs/s (median) | per process |',
    '|---|---|---|',
    '| 1 | 734 | 734 |',
    '| 2 | 882 | 441 |',
    '## Dashboard',
    '| 1 | 5 | 5 |',
  ].join('\n');
  assert.equal(workerJobsPerSecond(md), 734);
  assert.throws(() => workerJobsPerSecond('# Benchmarks\n## Dashboard\n| 1 | 5 |\n'), /Worker table/);
});
