import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogramQuantile, increases, mergeBuckets } from './histogram.ts';
import { parsePrometheusText } from './prom-text.ts';

const exposition = `# HELP avelon_http_request_duration_seconds Time
# TYPE avelon_http_request_duration_seconds histogram
avelon_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/p"} 5
avelon_http_request_duration_seconds_bucket{le="0.05",method="GET",route="/p"} 9
avelon_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/p"} 10
avelon_http_request_duration_seconds_count{method="GET",route="/p"} 10
weird{path="a\\"b\\\\c\\nd"} 1 1700000000000
special{} NaN
inf +Inf
broken{a="1" 3
`;

test('parses labels, escapes, timestamps and special values; skips broken lines', () => {
  const s = parsePrometheusText(exposition);
  assert.equal(s.length, 7);
  assert.deepEqual(s[0], {
    name: 'avelon_http_request_duration_seconds_bucket',
    labels: { le: '0.01', method: 'GET', route: '/p' },
    value: 5,
  });
  assert.equal(s[4]?.labels.path, 'a"b\\c\nd');
  assert.equal(s[4]?.value, 1);
  assert.ok(Number.isNaN(s[5]?.value));
  assert.equal(s[6]?.value, Number.POSITIVE_INFINITY);
});

test('a name filter keeps only the families asked for', () => {
  assert.equal(parsePrometheusText(exposition, (n) => n.endsWith('_count')).length, 1);
});

// [name, buckets, q, expected]
const quantiles: Array<[string, Array<[number, number]>, number, number | undefined]> = [
  // 95th of 100: rank 95 falls in (0.01, 0.05] holding 90 of them: 0.01 + 0.04 * 85/90
  [
    'interpolates inside a bucket',
    [
      [0.01, 10],
      [0.05, 100],
      [Infinity, 100],
    ],
    0.95,
    0.01 + (0.04 * 85) / 90,
  ],
  // the first bucket interpolates from 0
  [
    'first bucket from zero',
    [
      [0.01, 100],
      [Infinity, 100],
    ],
    0.5,
    0.005,
  ],
  // past the last finite bound: the highest finite bound
  [
    '+Inf bucket gives the last bound',
    [
      [0.01, 1],
      [Infinity, 100],
    ],
    0.95,
    0.01,
  ],
  // no observations: no latency at all
  [
    'empty is undefined',
    [
      [0.01, 0],
      [Infinity, 0],
    ],
    0.95,
    undefined,
  ],
];
for (const [name, b, q, want] of quantiles) {
  test(`histogramQuantile: ${name}`, () => {
    const got = histogramQuantile(
      q,
      b.map(([le, count]) => ({ le, count })),
    );
    if (want === undefined) assert.equal(got, undefined);
    else assert.ok(Math.abs((got ?? Number.NaN) - want) < 1e-9, `${got} != ${want}`);
  });
}

test('increases are deltas per series, a counter reset counts from zero', () => {
  const then = parsePrometheusText('c{a="1"} 10\nc{a="2"} 50\n');
  const now = parsePrometheusText('c{a="1"} 15\nc{a="2"} 3\nc{a="3"} 7\n');
  assert.deepEqual(
    increases(now, then, 'c').map((s) => s.value),
    [5, 3, 7],
  );
});

test('bucket deltas over a window give the window quantile, not the lifetime one', () => {
  // A lifetime of fast requests, then 20 slow ones in the window: the window's p95 is slow.
  const then = parsePrometheusText('h_bucket{le="0.01"} 1000\nh_bucket{le="1"} 1000\nh_bucket{le="+Inf"} 1000\n');
  const now = parsePrometheusText('h_bucket{le="0.01"} 1000\nh_bucket{le="1"} 1020\nh_bucket{le="+Inf"} 1020\n');
  const p95 = histogramQuantile(0.95, mergeBuckets(increases(now, then, 'h_bucket')));
  assert.ok(p95 !== undefined && p95 > 0.9);
});
