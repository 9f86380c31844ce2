import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom, shuffled } from './random.ts';
import { zipf } from './zipf.ts';

test('zipf draws ranks with probability ∝ 1/k^s', () => {
  const n = 50;
  const z = zipf(n, 1, seededRandom(42));
  const counts = new Array<number>(n).fill(0);
  const draws = 200_000;
  for (let i = 0; i < draws; i++) {
    const k = z.next();
    counts[k] = (counts[k] as number) + 1;
  }
  const h = Array.from({ length: n }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0);
  for (const k of [0, 1, 4, 9, 49]) {
    const expected = draws / (k + 1) / h;
    const sd = Math.sqrt(expected);
    assert.ok(Math.abs((counts[k] as number) - expected) < 5 * sd, `rank ${k}: ${counts[k]} vs ${expected.toFixed(0)}`);
    assert.ok(Math.abs(z.probability(k) - 1 / (k + 1) / h) < 1e-12);
  }
  assert.ok(
    counts.every((c) => c > 0),
    'the tail is reached',
  );
});

test('zipf with s = 0 is uniform, and stays inside [0, n)', () => {
  const z = zipf(4, 0, seededRandom(1));
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) seen.add(z.next());
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
  assert.equal(z.probability(2), 0.25);
  assert.equal(z.probability(4), 0);
});

test('zipf refuses an empty population and a negative exponent', () => {
  assert.throws(() => zipf(0, 1, Math.random), RangeError);
  assert.throws(() => zipf(10, -1, Math.random), RangeError);
});

test('the same seed gives the same sequence, another seed another one', () => {
  const a = seededRandom(7);
  const b = seededRandom(7);
  const c = seededRandom(8);
  const xs = Array.from({ length: 5 }, () => a());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 5 }, () => c()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const items = Array.from({ length: 100 }, (_, i) => i);
  const s = shuffled(items, seededRandom(3));
  assert.deepEqual(
    [...s].sort((x, y) => x - y),
    items,
  );
  assert.notDeepEqual(s, items);
});
