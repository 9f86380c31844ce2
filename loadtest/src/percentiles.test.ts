import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentile, summarize } from './percentiles.ts';

const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

test('percentile is the nearest rank, a sample that was observed', () => {
  const cases: Array<[string, number[], number, number]> = [
    // one sample is every percentile
    ['single', [7], 99, 7],
    // the median of an odd count is the middle one
    ['odd median', [3, 1, 2], 50, 2],
    // an even count takes the lower middle (rank ceil(0.5 n))
    ['even median', [4, 1, 3, 2], 50, 2],
    // 1..100: p95 is 95, p99 is 99, p100 is the max
    ['p95 of 1..100', hundred, 95, 95],
    ['p99 of 1..100', hundred, 99, 99],
    ['p100 is the max', hundred, 100, 100],
    // a tail of 1 in 10 shows at p95, not at p50
    ['tail', [...Array(9).fill(1), 500], 95, 500],
    // unsorted input is sorted first
    ['unsorted', [50, 10, 40, 20, 30], 80, 40],
  ];
  for (const [name, xs, p, want] of cases) assert.equal(percentile(xs, p), want, name);
});

test('percentile of nothing is NaN, and p outside (0, 100] is refused', () => {
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile([1], 0), /p must be/);
  assert.throws(() => percentile([1], 101), /p must be/);
});

test('summarize gives the same figures as percentile', () => {
  const xs = [...hundred].reverse();
  assert.deepEqual(summarize(xs), { count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  const none = summarize([]);
  assert.equal(none.count, 0);
  assert.ok(Number.isNaN(none.p99));
});
