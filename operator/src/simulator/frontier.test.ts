import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dominates, type FrontierPoint, frontierAt, paretoFrontier, verdict } from './frontier.ts';

const p = (name: string, replicaHours: number, violationMinutes: number): FrontierPoint => ({
  name,
  replicaHours,
  violationMinutes,
});

// [name, a, b, a dominates b]
const pairs: Array<[string, FrontierPoint, FrontierPoint, boolean]> = [
  // cheaper and fewer violations
  ['better on both', p('a', 10, 1), p('b', 20, 2), true],
  // as cheap, fewer violations
  ['equal cost, fewer violations', p('a', 10, 1), p('b', 10, 2), true],
  // identical points do not dominate each other
  ['identical', p('a', 10, 1), p('b', 10, 1), false],
  // a trade-off: cheaper but worse
  ['trade-off', p('a', 10, 3), p('b', 20, 2), false],
];
for (const [name, a, b, want] of pairs) test(`dominates: ${name}`, () => assert.equal(dominates(a, b), want));

const baselines = [p('cheap', 100, 5), p('mid', 200, 2), p('dear', 300, 1), p('bad', 250, 4), p('twin', 200, 2)];

test('paretoFrontier: keeps the undominated, cheapest first, one point per cost', () => {
  assert.deepEqual(
    paretoFrontier(baselines).map((x) => x.name),
    ['cheap', 'mid', 'dear'],
  );
});

// [name, replica-hours, frontier minutes]
const at: Array<[string, number, number]> = [
  // cheaper than every baseline: held to the cheapest one's violations
  ['left of the frontier', 50, 5],
  // on a point
  ['on a point', 200, 2],
  // halfway between 100 h / 5 min and 200 h / 2 min
  ['interpolated', 150, 3.5],
  // dearer than every baseline: the fewest violations any reaches
  ['right of the frontier', 400, 1],
];
const frontier = paretoFrontier(baselines);
for (const [name, x, want] of at) test(`frontierAt: ${name}`, () => assert.equal(frontierAt(frontier, x), want));

// [name, point, on or below, dominated by]
const verdicts: Array<[string, FrontierPoint, boolean, string[]]> = [
  // under the line between mid and dear
  ['below', p('op', 250, 1), true, []],
  // exactly on the interpolated line
  ['on', p('op', 150, 3.5), true, []],
  // above the line, and mid is cheaper with fewer violations
  ['above and dominated', p('op', 210, 2.5), false, ['mid', 'twin']],
  // cheaper than all but with more violations than the cheapest: above the flat extension, yet undominated
  ['cheap but worse', p('op', 50, 6), false, []],
];
for (const [name, point, want, dominatedBy] of verdicts) {
  test(`verdict: ${name}`, () => {
    const v = verdict(point, baselines);
    assert.equal(v.onOrBelow, want);
    assert.deepEqual(v.dominatedBy, dominatedBy);
  });
}
