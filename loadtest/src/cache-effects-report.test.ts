import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectRows, l1HitShare, noCounters, parseCacheCounters } from './cache-effects-report.ts';

const metrics = `# HELP avelon_cache_lookups_total x
avelon_cache_lookups_total{class="product",tier="l1",result="hit"} 70
avelon_cache_lookups_total{class="product",tier="l1",result="stale"} 5
avelon_cache_lookups_total{class="product",tier="l1",result="miss"} 25
avelon_cache_lookups_total{class="product",tier="l2",result="hit"} 20
avelon_cache_warm_requests_total{reason="start",result="ok"} 18
avelon_cache_warm_requests_total{reason="start",result="error"} 2
avelon_cache_warm_requests_total{reason="invalidation",result="ok"} 10
avelon_db_queries_total{role="replica",pool="r1"} 9
`;

test('first-tier hits, warm requests and the api-metrics counters are read from /metrics', () => {
  assert.deepEqual(parseCacheCounters(metrics), {
    l1Lookups: 100,
    hits: 95,
    dbQueries: 9,
    l1Hits: 75,
    warmRequests: 30,
    rewarmRequests: 10,
  });
});

test('the L1 hit share leaves out the lookups of the warmer, and the hits of its second pass', () => {
  assert.equal(l1HitShare(noCounters, parseCacheCounters(metrics)), (75 - 10) / (100 - 30));
  assert.equal(l1HitShare(noCounters, noCounters), null);
});

test('effect rows: medians of each variant and per-round ratios, a dash where a figure is missing', () => {
  const rows = effectRows(
    'warming',
    [
      { p95: 10, share: 0.9 },
      { p95: 30, share: null },
    ],
    [
      { p95: 20, share: 0.3 },
      { p95: 40, share: 0.5 },
    ],
    [
      ['p95', 'p95 ms', 1],
      ['share', 'L1 hit share', 2],
      ['none', 'absent', 0],
    ],
  );
  assert.deepEqual(rows, [
    '| warming | p95 ms | 20.0 | 30.0 | 0.63 (0.50–0.75) |',
    '| warming | L1 hit share | 0.90 | 0.40 | 3.00 (3.00–3.00) |',
    '| warming | absent | – | – | – |',
  ]);
});
