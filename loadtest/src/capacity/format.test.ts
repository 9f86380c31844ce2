import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytes, int, num, redisBytes } from './format.ts';
import { frontierSvg, niceTicks } from './svg.ts';

// [function, input, output]
const rows: Array<[string, () => string | number, string | number]> = [
  // thousands get a space, rounding first
  ['int', () => int(1234567.6), '1 234 568'],
  // small numbers keep their decimals, without trailing zeros
  ['num small', () => num(0.750001), '0.75'],
  // from 100 on, whole numbers with spaces
  ['num large', () => num(117992.7), '117 993'],
  // binary units, one decimal under 100
  ['bytes MiB', () => bytes(563_185_714), '537 MiB'],
  ['bytes GiB', () => bytes(3.4 * 1024 ** 3), '3.4 GiB'],
  ['bytes small', () => bytes(512), '512 B'],
  // Redis reads mb as MiB
  ['redisBytes mb', () => redisBytes('256mb'), 256 * 1024 ** 2],
  ['redisBytes gb', () => redisBytes('1gb'), 1024 ** 3],
  ['redisBytes bare', () => redisBytes('100'), 100],
];
for (const [name, run, want] of rows) test(`format: ${name}`, () => assert.equal(run(), want));

test('format: redisBytes refuses what Redis would', () => assert.throws(() => redisBytes('lots'), /not a Redis size/));

// [lo, hi, ticks]
const ticks: Array<[number, number, number[]]> = [
  // steps of 200 around 650–1350: the first at or under lo, the last at or over hi
  [650, 1350, [600, 800, 1000, 1200, 1400]],
  // steps of 0.5
  [0.2, 2.9, [0, 0.5, 1, 1.5, 2, 2.5, 3]],
];
for (const [lo, hi, want] of ticks) test(`niceTicks ${lo}..${hi}`, () => assert.deepEqual(niceTicks(lo, hi), want));

test('frontierSvg: one marker per strategy, the frontier, escaped names', () => {
  const svg = frontierSvg(
    'a <test>',
    [
      { name: 'stock HPA', kind: 'hpa', replicaHours: 100, violationMinutes: 5 },
      { name: 'KEDA & co', kind: 'keda', replicaHours: 200, violationMinutes: 0 },
      { name: 'operator', kind: 'operator', replicaHours: 150, violationMinutes: 1 },
    ],
    [
      { name: 'stock HPA', replicaHours: 100, violationMinutes: 5 },
      { name: 'KEDA & co', replicaHours: 200, violationMinutes: 0 },
    ],
  );
  // each marker twice: on the plot and in the legend
  assert.equal(svg.match(/<circle /g)?.length, 2);
  assert.equal(svg.match(/<rect [^>]*fill="#ff7f0e"/g)?.length, 2);
  assert.match(svg, /stroke-dasharray="6 4"/);
  assert.match(svg, /a &lt;test&gt;/);
  assert.match(svg, /KEDA &amp; co: 200\.0 h, 0\.0 min/);
  assert.ok(svg.startsWith('<svg ') && svg.endsWith('</svg>\n'));
});
