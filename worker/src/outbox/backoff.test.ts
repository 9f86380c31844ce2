import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryDelayMs } from './backoff.ts';

const mid = () => 0.5; // no jitter

test('doubles from the first delay and stops at the cap', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 7, 8, 100].map((a) => retryDelayMs(a, 1000, 60_000, mid)),
    [1000, 2000, 4000, 8000, 60_000, 60_000, 60_000],
  );
});

test('jitter stays within ±20 %', () => {
  assert.equal(
    retryDelayMs(1, 1000, 60_000, () => 0),
    800,
  );
  assert.equal(
    retryDelayMs(1, 1000, 60_000, () => 1),
    1200,
  );
});

test('attempt counts below one are treated as the first retry', () => {
  assert.equal(retryDelayMs(0, 500, 60_000, mid), 500);
});
