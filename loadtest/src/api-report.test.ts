import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiTables } from './api-report.ts';
import type { Curve, Sample } from './saturation-curve.ts';
import type { StalenessResult } from './staleness.ts';
import type { AttackResult } from './vegeta.ts';

const attack = (throughput: number, p95 = 1): AttackResult => ({
  requests: throughput,
  throughput,
  rate: throughput,
  success: 1,
  p50: 1,
  p90: 1,
  p95,
  p99: 1,
  max: 1,
  statusCodes: {},
  errors: [],
  generatorCpu: 0.1,
});
const sample = (throughput: number, p95 = 1): Sample => ({
  result: attack(throughput, p95),
  hitRate: 0.9,
  dbQueriesPerRequest: 0.1,
});
const curve = (rate: number): Curve => ({
  referenceP99: 1,
  p99Bound: 250,
  saturation: { rate, throughput: rate, steps: [] },
  points: {},
});

test('apiTables takes ratios within each round and medians over rounds', () => {
  // Two rounds: detail default is half of bare in round 1, a quarter in round 2.
  const results = new Map<string, Sample[]>([
    ['detail/bare', [sample(1000), sample(2000)]],
    ['detail/default', [sample(500), sample(500)]],
    ['browse-half/default', [sample(100, 4), sample(100, 6)]],
  ]);
  const { rows, summary, targetsTable } = apiTables({
    results,
    curves: { bare: [curve(1000), curve(1000)], default: [curve(300), curve(500)], before: [curve(30), curve(25)] },
    writes: { staleReads: 0, reads: 10, writes: 2, worstStaleMs: 0 } as StalenessResult,
    underWrites: { hitRate: 0.95, dbQueriesPerRequest: 0.05 },
  });
  const cases: Array<[string, unknown, unknown]> = [
    // per-round ratios, not a ratio of medians
    ['detail ÷ ceiling', summary.detailCachedOverCeiling, [0.5, 0.25]],
    // saturation rates of the open-model search, per round
    ['saturation ÷ ceiling', summary.saturationCachedOverCeiling, [0.3, 0.5]],
    ['saturation ÷ before', summary.saturationCachedOverBefore, [10, 20]],
    // thirteen route rows (hot, detail, list, browse × 3 targets, hot without the limiter), measured or not
    ['rows', rows.length, 13],
  ];
  for (const [name, got, want] of cases) assert.deepEqual(got, want, name);
  const p95 = targetsTable.find((r) => r[0] === 'p95 at ½ saturation, browse mix');
  assert.equal(p95?.[2], '5.0 (4.0–6.0) ms');
});
