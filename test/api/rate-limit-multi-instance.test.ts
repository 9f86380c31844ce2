// The general rate limit across two real API processes on one stack: each decides in process and
// reconciles with Redis in batches (every RATE_LIMIT_SYNC_INTERVAL_MS, or at once for a client with
// RATE_LIMIT_SYNC_HITS unsent hits). The combined count stays within the bound of docs/api.md ("Rate
// limits"), and a client limited through one instance is limited by the other once that one has synced.
// Outcomes and their order are asserted, never how long anything took.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cacheConnection } from '@avelon/core';
import { type ApiProcess, closeDb, metricValue, spawnApi } from '../support/api.ts';
import { eventually, stack } from '../support/stack.ts';

const MAX = 20;
const SYNC_HITS = 4;
let a: ApiProcess;
let b: ApiProcess;
const redis = cacheConnection(stack.REDIS_CACHE_URL, 1000, 'test');

before(async () => {
  const env = {
    RATE_LIMIT_GENERAL_MAX: String(MAX),
    RATE_LIMIT_SYNC_HITS: String(SYNC_HITS),
    TRUST_PROXY: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  [a, b] = await Promise.all([spawnApi({ ...env, INSTANCE_ID: 'rl-a' }), spawnApi({ ...env, INSTANCE_ID: 'rl-b' })]);
});
after(async () => {
  redis.disconnect();
  await Promise.all([a?.stop(), b?.stop()]);
  await closeDb();
});

// A client address of its own per test (through the trusted proxy), so each starts with empty counters.
const freshIp = () => `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const get = async (api: ApiProcess, ip: string) => {
  const res = await fetch(`${api.url}/api/v1/brands?limit=1`, { headers: { 'x-forwarded-for': ip } });
  await res.arrayBuffer();
  return res.status;
};
const metricOf = async (api: ApiProcess, sample: string) =>
  metricValue(await (await fetch(`${api.opsUrl}/metrics`)).text(), sample) ?? 0;
const syncs = (api: ApiProcess) => metricOf(api, 'avelon_ratelimit_syncs_total');

test('a client alternating between two instances gets at least the limit and at most limit + 2·N', async () => {
  // The bound with k = 2 and hit trigger N (docs/api.md): each instance misses at most the other's hits
  // since its last sync, N unsent there plus N made since. Without reconciliation it would be 2 × MAX.
  const ip = freshIp();
  const decidedBefore = await metricOf(a, 'avelon_ratelimit_local_decisions_total{limit="general"}');
  const syncsBefore = await syncs(a);
  const statuses: number[] = [];
  for (let i = 0; i < 3 * MAX; i++) statuses.push(await get(i % 2 === 0 ? a : b, ip));
  const admitted = statuses.filter((s) => s === 200).length;
  assert.deepEqual([...new Set(statuses)].sort(), [200, 429]);
  assert.ok(admitted >= MAX, `${admitted} admitted: the limit is never stricter than its meaning`);
  assert.ok(admitted <= MAX + 2 * SYNC_HITS, `${admitted} admitted: over the bound ${MAX + 2 * SYNC_HITS}`);
  // Once both have synced, both refuse: the last answers of each instance are 429.
  assert.deepEqual(statuses.slice(-4), [429, 429, 429, 429]);

  // Every request was decided in process (the counter is updated once a sync interval); Redis saw
  // batches, fewer than the requests.
  const decided = async () =>
    (await metricOf(a, 'avelon_ratelimit_local_decisions_total{limit="general"}')) - decidedBefore;
  await eventually('A counted its decisions', async () => (await decided()) >= 1.5 * MAX);
  const synced = (await syncs(a)) - syncsBefore;
  assert.ok(synced >= 1 && synced < 1.5 * MAX, `A synced ${synced} times for ${1.5 * MAX} requests`);
});

test('a client limited through one instance is limited by the other after that one syncs', async () => {
  const ip = freshIp();
  // B has seen the client once (so it holds a count it will not refresh until the client comes back).
  assert.equal(await get(b, ip), 200);
  // A limits the client.
  const throughA: number[] = [];
  while (throughA.length <= MAX && throughA.at(-1) !== 429) throughA.push(await get(a, ip));
  assert.equal(throughA.at(-1), 429, `A never limited the client: ${throughA.join(',')}`);
  // A sends its hits to Redis (the key of the plugin's store: old and new instances share it).
  const hits = 1 + throughA.length;
  await eventually('A synced its hits', async () => Number(await redis.get(`avelon:rl:${ip}`)) >= hits);

  // B's next answer is 429, or a 200 from its stale count; in that case B syncs that hit (B has nothing
  // else to send, so its next completed sync is that one), learns the total, and answers 429 after it.
  const bSynced = await syncs(b);
  const first = await get(b, ip);
  if (first === 200) {
    await eventually('B synced', async () => (await syncs(b)) > bSynced);
    assert.equal(await get(b, ip), 429, 'after its sync B limits the client');
  } else {
    assert.equal(first, 429);
  }
  // And A, which never had a stale view of the total, still refuses.
  assert.equal(await get(a, ip), 429);
});
