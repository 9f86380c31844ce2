import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideCache } from './cache.ts';
import { defaultBehavior as b } from './decide.ts';
import { cacheSpec, memory, observations, policy, T0 } from './fixtures.test-support.ts';
import type { Memory, Observations } from './types.ts';

const spec = policy();
type Row = [string, Partial<Observations>, Partial<Memory>, string | null];

// [name, observations, memory, expected TTL change of class "product" (default 600, bounds 60..3600)]
const rows: Row[] = [
  // hit rate under target and the database busy: double the TTL
  ['pressure lengthens', { cacheHitRates: { product: 0.8 }, dbQueriesPerSecond: 900 }, {}, '600->1200'],
  // latency over the SLO counts as pressure too
  ['slow API is pressure', { cacheHitRates: { product: 0.8 }, p95LatencyMs: 80 }, {}, '600->1200'],
  // never past the class maximum
  [
    'capped at max',
    { cacheHitRates: { product: 0.5 }, dbQueriesPerSecond: 900, cacheTtls: { product: 2400 } },
    {},
    '2400->3600',
  ],
  // hit rate on target under pressure: the TTL is working, hold
  [
    'on target holds',
    { cacheHitRates: { product: 0.95 }, dbQueriesPerSecond: 900, cacheTtls: { product: 1200 } },
    {},
    null,
  ],
  // no pressure: halfway back to the default
  ['calm returns halfway', { cacheHitRates: { product: 0.8 }, cacheTtls: { product: 3000 } }, {}, '3000->1800'],
  // within 5% of the default: snap to it
  ['calm snaps to default', { cacheHitRates: { product: 0.8 }, cacheTtls: { product: 640 } }, {}, '640->600'],
  // a TTL someone set under the class minimum comes up to it, even when nothing else would move
  [
    'below bounds clamps',
    { cacheHitRates: { product: 0.95 }, dbQueriesPerSecond: 900, cacheTtls: { product: 10 } },
    {},
    '10->60',
  ],
  // hit rate unknown (missing, or no lookups): hold
  ['unknown hit rate holds', { cacheHitRates: {}, dbQueriesPerSecond: 900 }, {}, null],
  // pressure unknown (no database rate, no latency): hold
  [
    'unknown pressure holds',
    { dbQueriesPerSecond: undefined, p95LatencyMs: undefined, cacheHitRates: { product: 0.1 } },
    {},
    null,
  ],
  // changed 10 s ago: paced (30 s minimum interval)
  [
    'paced',
    { cacheHitRates: { product: 0.8 }, dbQueriesPerSecond: 900 },
    { changedAt: { 'cache/product.ttl': T0 - 10_000 } },
    null,
  ],
  // the store cannot tell: the operator's own last value is the current one
  [
    'memory when store is silent',
    { cacheHitRates: { product: 0.8 }, dbQueriesPerSecond: 900 },
    { ttls: { product: 1200 } },
    '1200->2400',
  ],
];

for (const [name, obs, mem, want] of rows) {
  test(`cache: ${name}`, () => {
    const { actions } = decideCache(cacheSpec(), spec.api, b, observations(obs), memory(mem), T0);
    assert.deepEqual(
      actions.map((a) => `${a.from}->${a.to}`),
      want ? [want] : [],
    );
  });
}
