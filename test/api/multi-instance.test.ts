// Two real API processes (`node api/src/main.ts`) on one stack: what one instance does, the other
// reflects — a product write (once the other has applied the invalidation message, never served stale
// again), a TTL written to Redis by the operator, and logout-all. Outcomes and their order are asserted,
// never how long they took: the deadlines of the polls only keep a broken build from hanging, and the
// measured times are printed as diagnostics (docs/benchmarks.md has the staleness bound under load).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cacheConnection, defaultCacheTtlSeconds, resetCacheTtl, writeCacheTtl } from '@avelon/core';
import {
  type ApiProcess,
  closeDb,
  createBrand,
  createProduct,
  createUser,
  metricValue,
  signInHttp,
  spawnApi,
} from '../support/api.ts';
import { eventually, stack } from '../support/stack.ts';

let a: ApiProcess;
let b: ApiProcess;
const redis = cacheConnection(stack.REDIS_CACHE_URL, 1000, 'test');

before(async () => {
  [a, b] = await Promise.all([spawnApi({ INSTANCE_ID: 'test-a' }), spawnApi({ INSTANCE_ID: 'test-b' })]);
  await eventually('test connection to the cache Redis', async () => (await redis.ping()) === 'PONG');
});
after(async () => {
  await resetCacheTtl(redis, 'product');
  redis.disconnect();
  await Promise.all([a?.stop(), b?.stop()]);
  await closeDb();
});

const getJson = async (url: string, token?: string) => {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, cache: res.headers.get('x-cache'), body: (await res.json()) as Record<string, unknown> };
};

test('a write through one instance is never served stale by the other once it applied the invalidation', async (t) => {
  const admin = await createUser('admin');
  const token = await signInHttp(a.url, admin.email);
  const p = await createProduct({ brandId: (await createBrand()).id, priceCents: 1000 });
  const url = (api: ApiProcess) => `${api.url}/api/v1/products/${p.id}`;
  // B holds the product in memory.
  await getJson(url(b));
  assert.equal((await getJson(url(b))).cache, 'l1');

  const remoteInvalidations = async () =>
    metricValue(
      await (await fetch(`${b.opsUrl}/metrics`)).text(),
      'avelon_cache_invalidations_total{source="remote"}',
    ) ?? 0;
  for (const price of [2000, 3000, 4000]) {
    const applied = await remoteInvalidations();
    const res = await fetch(`${a.url}/api/v1/admin/products/${p.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ priceCents: price }),
    });
    assert.equal(res.status, 200);
    const written = Date.now();
    // The order that matters: once B has applied A's message, its very next read is the new price, and
    // so is every read after (no refill from a lagging replica or a late message).
    await eventually('B applied the invalidation from A', async () => (await remoteInvalidations()) > applied);
    t.diagnostic(`B applied the invalidation ${Date.now() - written} ms after A's write returned`);
    for (let i = 0; i < 20; i++) assert.equal((await getJson(url(b))).body.priceCents, price);
  }
});

test('a TTL written to Redis (the operator contract) is applied by both running instances', async (t) => {
  const ttlOf = async (api: ApiProcess) =>
    metricValue(await (await fetch(`${api.opsUrl}/metrics`)).text(), 'avelon_cache_ttl_seconds{class="product"}');
  assert.equal(await ttlOf(a), defaultCacheTtlSeconds.product);
  const written = Date.now();
  await writeCacheTtl(redis, 'product', 2);
  await eventually(
    'both instances use a 2 s product TTL',
    async () => (await ttlOf(a)) === 2 && (await ttlOf(b)) === 2,
  );
  t.diagnostic(`applied ${Date.now() - written} ms after the write`);

  // And it governs entries already cached: older than 2 s is past its TTL now, served in grace while it
  // reloads in the background (stale-while-revalidate), then fresh again.
  const p = await createProduct({ brandId: (await createBrand()).id });
  const url = `${b.url}/api/v1/products/${p.id}`;
  await getJson(url);
  assert.equal((await getJson(url)).cache, 'l1');
  await new Promise((r) => setTimeout(r, 2100));
  assert.equal((await getJson(url)).cache, 'stale');
  await eventually('the background reload replaced it', async () => (await getJson(url)).cache === 'l1');
});

test('logout-all through one instance revokes the token on the other', async (t) => {
  const user = await createUser();
  const token = await signInHttp(a.url, user.email);
  // Both instances have checked (and remember) the session.
  assert.equal((await getJson(`${a.url}/api/v1/users/me`, token)).status, 200);
  assert.equal((await getJson(`${b.url}/api/v1/users/me`, token)).status, 200);
  const res = await fetch(`${a.url}/api/v1/auth/logout-all`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 204);
  const done = Date.now();
  await eventually(
    'B refuses the token',
    async () => (await getJson(`${b.url}/api/v1/users/me`, token)).status === 401,
  );
  t.diagnostic(`B refused the token ${Date.now() - done} ms after logout-all returned`);
  assert.equal((await getJson(`${a.url}/api/v1/users/me`, token)).status, 401);
});
