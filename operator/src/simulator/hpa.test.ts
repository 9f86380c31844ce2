import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hpaReconcile, newHpa } from './hpa.ts';

// [name, start replicas, metric, expected desired after one sync] with target 70, bounds 1..100
const rows: Array<[string, number, number, number]> = [
  // within the 0.1 tolerance: no change
  ['inside tolerance', 10, 75, 10],
  // 140% of target: double
  ['proportional up', 10, 140, 20],
  // 10x over: capped at +100% per sync
  ['scale-up limit', 10, 700, 20],
  // from 1 the +4 rule wins over +100%
  ['small start adds 4', 1, 700, 5],
  // under target but the recent higher recommendation holds (stabilization)
  ['down is stabilized', 10, 35, 10],
];
for (const [name, start, metric, want] of rows) {
  test(`hpa: ${name}`, () => {
    const h = newHpa(1, 100, 70);
    h.desired = start;
    h.recommendations = [[0, start]];
    hpaReconcile(h, 15, start, metric);
    assert.equal(h.desired, want);
  });
}

test('hpa: scales down once the 300 s window has passed', () => {
  const h = newHpa(1, 100, 70);
  h.desired = 10;
  h.recommendations = [[0, 10]];
  for (let t = 15; t < 300; t += 15) hpaReconcile(h, t, h.desired, 35);
  assert.equal(h.desired, 10, 'the recommendation of t=0 still counts');
  hpaReconcile(h, 300, 10, 35);
  assert.equal(h.desired, 5);
});

test('hpa: syncs only every 15 s', () => {
  const h = newHpa(1, 100, 70);
  h.desired = 10;
  hpaReconcile(h, 0, 10, 140);
  hpaReconcile(h, 5, 20, 140);
  assert.equal(h.desired, 20);
});
