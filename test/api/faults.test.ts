// Faults on the real stack: the cache Redis stopped mid-test (requests keep succeeding from memory and
// the database, the rate limiter fails open or closed as configured, and hits return after a restart),
// and the database unreachable (values past their TTL are served in grace instead of errors).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cacheConnection, resetCacheTtl, writeCacheTtl } from '@avelon/core';
import {
  type ApiProcess,
  closeDb,
  createBrand,
  createProduct,
  createUser,
  metricValue,
  signInHttp,
  spawnApi,
  startApp,
  type TestApp,
} from '../support/api.ts';
import { eventually, stack, stackCtl } from '../support/stack.ts';

let api: ApiProcess;
let brandId: number;
before(async () => {
  api = await spawnApi({ INSTANCE_ID: 'test-faults', CACHE_GRACE_SECONDS: '300' });
  brandId = (await createBrand()).id;
});
after(async () => {
  // Whatever happened, leave the stack whole for the next test file.
  await stackCtl('redis-cache', 'start').catch(() => {});
  await stackCtl('pgbouncer', 'start').catch(() => {});
  await stackCtl('replica', 'start').catch(() => {});
  const redis = cacheConnection(stack.REDIS_CACHE_URL, 1000, 'test');
  await eventually('cache Redis answers', async () => (await redis.ping()) === 'PONG').catch(() => {});
  await resetCacheTtl(redis, 'product').catch(() => {});
  redis.disconnect();
  await api?.stop();
  await closeDb();
});

const get = async (path: string, token?: string) => {
  const res = await fetch(`${api.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, cache: res.headers.get('x-cache'), text: await res.text() };
};
/** GET on the ops server: readiness and metrics. */
const ops = async (path: string) => {
  const res = await fetch(`${api.opsUrl}${path}`);
  return { status: res.status, text: await res.text() };
};

describe('cache Redis down', () => {
  let failClosed: TestApp;
  before(async () => {
    failClosed = await startApp({ RATE_LIMIT_FAIL_OPEN: 'false' });
  });
  after(async () => {
    await failClosed.close();
  });

  test('requests still succeed; readiness says degraded (still 200); hits return once it is back', async () => {
    const cached = await createProduct({ brandId });
    const cold = await createProduct({ brandId });
    const token = await signInHttp(api.url, (await createUser()).email);
    await get(`/api/v1/products/${cached.id}`);
    assert.equal((await get(`/api/v1/products/${cached.id}`)).cache, 'l1');
    assert.equal((await get('/api/v1/users/me', token)).status, 200);

    await stackCtl('redis-cache', 'stop');
    const started = Date.now();
    // For a while (past the 1 s cap on memory copies while messages cannot arrive): every answer is a 200.
    while (Date.now() - started < 1500) {
      for (const path of [`/api/v1/products/${cached.id}`, `/api/v1/products/${cold.id}`, '/api/v1/products?limit=5']) {
        const res = await get(path);
        assert.equal(res.status, 200, `${path}: ${res.text}`);
      }
    }
    // A session checked before the outage still works; a new sign-in cannot be stored and says so.
    assert.equal((await get('/api/v1/users/me', token)).status, 200);
    const signIn = await fetch(`${api.url}/api/v1/auth/otp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'down@test.avelon.local' }),
    });
    assert.equal(signIn.status, 503);
    const readyz = await ops('/readyz');
    assert.equal(readyz.status, 200, 'degraded, not out of rotation');
    const ready = JSON.parse(readyz.text);
    assert.equal(ready.status, 'degraded');
    assert.notEqual(ready.checks['redis-cache'], 'ok', readyz.text);
    assert.equal(ready.checks.primary, 'ok');
    const metrics = (await ops('/metrics')).text;
    assert.equal(metricValue(metrics, 'avelon_cache_l2_available'), 0);
    assert.ok((metricValue(metrics, 'avelon_ratelimit_store_errors_total{limit="general",action="allowed"}') ?? 0) > 0);

    // The fail-closed instance refuses rather than letting unlimited traffic through.
    const closed = await failClosed.app.inject({ method: 'GET', url: '/api/v1/brands?limit=1' });
    assert.equal(closed.statusCode, 503);
    assert.equal(closed.json().error.code, 'API_ERR_UNAVAILABLE');

    await stackCtl('redis-cache', 'start');
    await eventually(
      'cache hits and a healthy Redis again',
      async () => {
        await get(`/api/v1/products/${cold.id}`);
        const hit = await get(`/api/v1/products/${cold.id}`);
        const health = JSON.parse((await ops('/readyz')).text);
        const available = metricValue((await ops('/metrics')).text, 'avelon_cache_l2_available');
        return hit.cache === 'l1' && health.status === 'ok' && available === 1;
      },
      15_000,
    );
  });
});

describe('database down', () => {
  test('a value past its TTL is served in grace (stale) instead of an error; an uncached one is 503', async () => {
    const redis = cacheConnection(stack.REDIS_CACHE_URL, 1000, 'test');
    try {
      await eventually('test connection to the cache Redis', async () => (await redis.ping()) === 'PONG');
      await writeCacheTtl(redis, 'product', 1);
      const p = await createProduct({ brandId });
      const never = await createProduct({ brandId });
      await eventually('the 1 s TTL is in force', async () =>
        (await ops('/metrics')).text.includes('avelon_cache_ttl_seconds{class="product"} 1\n'),
      );
      assert.equal((await get(`/api/v1/products/${p.id}`)).status, 200);
      await new Promise((r) => setTimeout(r, 1200));
      await Promise.all([stackCtl('pgbouncer', 'stop'), stackCtl('replica', 'stop')]);
      const stale = await get(`/api/v1/products/${p.id}`);
      assert.equal(stale.status, 200, stale.text);
      assert.equal(stale.cache, 'stale');
      const unavailable = await get(`/api/v1/products/${never.id}`);
      assert.equal(unavailable.status, 503, unavailable.text);
      assert.equal(JSON.parse(unavailable.text).error.code, 'API_ERR_UNAVAILABLE');
      // Without the primary (behind the stopped PgBouncer) the API is not ready: 503 naming it.
      const down = await ops('/readyz');
      assert.equal(down.status, 503, down.text);
      assert.notEqual(JSON.parse(down.text).checks.primary, 'ok');
    } finally {
      await Promise.all([stackCtl('pgbouncer', 'start'), stackCtl('replica', 'start')]);
      await resetCacheTtl(redis, 'product');
      redis.disconnect();
    }
    await eventually('fresh reads again', async () => (await ops('/readyz')).status === 200, 20_000);
  });
});
