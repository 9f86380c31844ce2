import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Freshness, freshness } from './freshness.ts';

const policy = { ttlMs: 1000, graceMs: 500, refreshAheadRatio: 0.8 };

test('a value is fresh, refreshed ahead, served stale or expired by its age', () => {
  const cases: [ageMs: number, absent: boolean, expected: Freshness][] = [
    [0, false, 'fresh'],
    [-5000, false, 'fresh'], // clock of the instance that stored it runs ahead
    [799, false, 'fresh'],
    [800, false, 'refresh'],
    [999, false, 'refresh'],
    [1000, false, 'stale'],
    [1499, false, 'stale'],
    [1500, false, 'expired'],
    [10_000, false, 'expired'],
    // a remembered absence lives exactly its TTL: no background reload, no grace
    [0, true, 'fresh'],
    [900, true, 'fresh'],
    [1000, true, 'expired'],
    [1200, true, 'expired'],
  ];
  for (const [age, absent, expected] of cases) {
    assert.equal(freshness(age, absent, policy), expected, `age ${age} ms, absent ${absent}`);
  }
});

test('a ratio of 1 turns refresh-ahead off and a grace of 0 turns stale-while-revalidate off', () => {
  const cases: [ratio: number, graceMs: number, ageMs: number, expected: Freshness][] = [
    [1, 500, 999, 'fresh'],
    [1, 500, 1000, 'stale'],
    [0.8, 0, 999, 'refresh'],
    [0.8, 0, 1000, 'expired'],
    [0.5, 500, 500, 'refresh'],
  ];
  for (const [refreshAheadRatio, graceMs, age, expected] of cases) {
    assert.equal(freshness(age, false, { ttlMs: 1000, graceMs, refreshAheadRatio }), expected);
  }
});
