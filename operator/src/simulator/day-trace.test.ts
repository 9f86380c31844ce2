import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DayOptions, dayWithFlashSale, diurnalShare, saleFactor } from './day-trace.ts';
import { loadAt } from './trace.ts';

const sale = {
  startSeconds: 1000,
  rampSeconds: 60,
  holdSeconds: 600,
  decaySeconds: 100,
  multiplier: 10,
  jobsPerRequest: 0.1,
};

// [name, second, factor]
const factors: Array<[string, number, number]> = [
  // before the sale
  ['before', 999, 1],
  // halfway up the one-minute ramp: 1 + 9 × 0.5
  ['mid-ramp', 1030, 5.5],
  // the hold
  ['hold', 1400, 10],
  // halfway down
  ['mid-decay', 1710, 5.5],
  // over
  ['after', 1760, 1],
];
for (const [name, t, want] of factors) test(`saleFactor: ${name}`, () => assert.equal(saleFactor(sale, t), want));

test('diurnalShare: night floor, evening peak, wraps at midnight', () => {
  // 04:00: within a few points of the floor (the evening bump's tail reaches past midnight)
  assert.ok(Math.abs(diurnalShare(4 * 3600, 0.06, 0.9) - 0.06) < 0.02, 'night');
  assert.ok(Math.abs(diurnalShare(20.5 * 3600, 0.06, 0.9) - 1) < 1e-9, 'evening peak');
  assert.ok(Math.abs(diurnalShare(12.5 * 3600, 0.06, 0.9) - (0.06 + 0.94 * 0.9)) < 0.01, 'lunch');
  assert.equal(diurnalShare(0, 0.06, 0.9), diurnalShare(86_400, 0.06, 0.9));
});

const options = (seed: number): DayOptions => ({
  name: 'test',
  peakRps: 1000,
  nightShare: 0.1,
  lunchShare: 0.9,
  jobsPerRequest: 0.01,
  sale,
  stepSeconds: 300,
  noise: 0.03,
  seed,
  model: {
    cpuMsPerRequest: 1,
    baseLatencyMs: 3,
    jobsPerSecondPerReplica: 40,
    prioritizedShare: 0.5,
    apiPodStartSeconds: 20,
    workerPodStartSeconds: 10,
  },
  slo: { p95LatencyMs: 30, maxWaitSeconds: 30 },
  bounds: { api: { min: 2, max: 100 }, worker: { min: 1, max: 100 } },
});

test('dayWithFlashSale: the same seed gives the same trace, another seed another', () => {
  assert.deepEqual(dayWithFlashSale(options(1)), dayWithFlashSale(options(1)));
  assert.notDeepEqual(dayWithFlashSale(options(1)).points, dayWithFlashSale(options(2)).points);
});

test('dayWithFlashSale: the sale is 10× the day with its own jobs per request, noise within bounds', () => {
  const trace = dayWithFlashSale(options(1));
  const hold = loadAt(trace, 1400);
  const base = 1000 * diurnalShare(1400, 0.1, 0.9);
  assert.ok(hold.rps > base * 10 * 0.97 && hold.rps < base * 10 * 1.03, `${hold.rps} vs ${base * 10}`);
  assert.ok(Math.abs(hold.jobs / hold.rps - 0.1) < 1e-3, 'sale jobs per request');
  const night = loadAt(trace, 3 * 3600);
  assert.ok(Math.abs(night.jobs / night.rps - 0.01) < 1e-3, 'day jobs per request');
  assert.equal(trace.durationSeconds, 86_400);
});
