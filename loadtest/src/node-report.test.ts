import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localPoints, nearestPoint, nodeRates, nodeRows, nodeTableHeader, podTotals } from './node-report.ts';
import type { Curve, Sample } from './saturation-curve.ts';

const sample = (rate: number, p99: number, success = 1): Sample => ({
  result: {
    requests: rate * 5,
    throughput: rate,
    rate,
    success,
    p50: p99 / 10,
    p90: p99 / 2,
    p95: p99 / 2,
    p99,
    max: p99,
    statusCodes: {},
    errors: [],
    generatorCpu: 0.1,
  },
  hitRate: 0.6,
  dbQueriesPerRequest: 0.4,
});

const curve = (sat: number, p99: number): Curve => ({
  referenceP99: 10,
  p99Bound: 250,
  saturation: { rate: sat, throughput: sat, steps: [] },
  points: { '0.8': sample(sat * 0.8, p99 * 2), '0.25': sample(sat * 0.25, p99, 0.99) },
});

test('local points: one per share, lowest first, medians over rounds and the errors of all', () => {
  const points = localPoints([curve(800, 10), curve(600, 30), curve(700, 20)]);
  assert.deepEqual(
    points.map((p) => p.share),
    ['0.25', '0.8'],
  );
  assert.equal(points[0]?.offered, 175);
  assert.deepEqual(points[0]?.offeredPerRound, [200, 150, 175]);
  assert.equal(points[0]?.p99, 20);
  assert.equal(points[1]?.p99, 40);
  assert.equal(points[0]?.errors, Math.round(1000 * 0.01) + Math.round(750 * 0.01) + Math.round(875 * 0.01));
  assert.equal(points[1]?.errors, 0);
});

test('node rates: the override, else the local offered rates, else a fixed ladder', () => {
  const points = localPoints([curve(700, 20)]);
  assert.deepEqual(nodeRates(' 50, 120 ', points), [50, 120]);
  assert.deepEqual(nodeRates(undefined, points), [175, 560]);
  assert.deepEqual(nodeRates('', []), [100, 200, 400]);
  assert.throws(() => nodeRates('100,x', points), /BENCH_NODE_RATES/);
});

test('nearest point by offered rate; none without local figures', () => {
  const points = localPoints([curve(700, 20)]);
  assert.equal(nearestPoint(points, 175)?.share, '0.25');
  assert.equal(nearestPoint(points, 400)?.share, '0.8');
  assert.equal(nearestPoint([], 400), undefined);
});

test('pod totals: a pod added during the measurement counts from zero, a pod gone is left out', () => {
  const c = (n: number) => ({ l1Lookups: n, hits: n / 2, dbQueries: n / 4 });
  const before = new Map([
    ['api-a', c(100)],
    ['api-gone', c(1000)],
  ]);
  const after = new Map([
    ['api-a', c(300)],
    ['api-new', c(40)],
  ]);
  assert.deepEqual(podTotals(before, after), { before: c(100), after: c(340) });
});

test('node rows: one per step, as many cells as the header, the local figures beside or dashes', () => {
  const local = localPoints([curve(700, 20)])[0];
  const step = {
    offered: 175,
    result: { ...sample(175, 60, 0.99).result, throughput: 170 },
    hitRate: 0.612,
    dbQueriesPerRequest: 0.45,
    podsBefore: 2,
    podsAfter: 3,
    podsCpuMillicores: { a: 900, b: 450 },
    hpaAfter: { minReplicas: 2, maxReplicas: 20, cpuTarget: 70, current: 3, desired: 3 },
  };
  const [withLocal, without] = nodeRows([{ ...step, local }, step]);
  const cells = (row: string | undefined) => row?.split('|').length;
  const headerCells = cells(nodeTableHeader.split('\n')[0]);
  assert.equal(cells(withLocal), headerCells);
  assert.equal(cells(without), headerCells);
  assert.equal(
    withLocal,
    '| 175 | 170 | 6.0 | 30.0 | 60.0 | 9 | 0.612 | 0.450 | 2→3 | 1.35 | 0.10 | 175 | 2.0 / 10.0 / 20.0 | 3.0× | 9 | 0.600 | 0.400 |',
  );
  assert.match(without ?? '', /\| 0\.10 \| – \| – \| – \| – \| – \| – \|$/);
});
