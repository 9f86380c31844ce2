// Cache warming: popular catalogue GETs are sampled into the cache Redis; a new process requests them
// before it listens, and every process re-requests them after a coarse invalidation. The
// warmer's own requests skip the rate limiter.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cacheTags } from '@avelon/core';
import { popularUrlsKey } from '../../api/src/cache/warmer.ts';
import {
  type ApiProcess,
  closeDb,
  createBrand,
  createProduct,
  metricValue,
  spawnApi,
  startApp,
  type TestApp,
} from '../support/api.ts';
import { eventually } from '../support/stack.ts';

const warmOn = { CACHE_WARM_KEYS: '100', CACHE_POPULARITY_SAMPLE: '1' };
const urls: string[] = [];
const apps: TestApp[] = [];
const processes: ApiProcess[] = [];

const start = async (env: Record<string, string> = {}) => {
  const t = await startApp({ ...warmOn, ...env });
  apps.push(t);
  return t;
};
const warmed = async (t: TestApp, reason: string, result: string) =>
  metricValue(
    await t.app.registry.metrics(),
    `avelon_cache_warm_requests_total{reason="${reason}",result="${result}"}`,
  ) ?? 0;

before(async () => {
  const brand = await createBrand();
  for (let i = 0; i < 3; i++) urls.push(`/api/v1/products/${(await createProduct({ brandId: brand.id })).id}`);
  urls.push(`/api/v1/products?brand=${brand.id}&sort=price_asc`);
});

after(async () => {
  for (const t of apps) await t.close();
  for (const p of processes) await p.stop();
  await closeDb();
});

test('served catalogue GETs are recorded as popular in the cache Redis; a 404 is not', async () => {
  const t = await start();
  await t.app.cacheRedis.del(popularUrlsKey);
  for (const url of urls) {
    const res = await t.app.inject({ url });
    assert.equal(res.statusCode, 200, res.body);
  }
  await t.app.inject({ url: '/api/v1/products/999999999' }); // a 404 is not popular
  await t.app.cacheWarmer.flush();
  const recorded = await t.app.cacheRedis.zrevrange(popularUrlsKey, 0, -1);
  assert.deepEqual([...recorded].sort(), [...urls].sort());
});

test('a new API process requests the popular URLs before it listens: its first client is served from memory', async () => {
  // One request per window for clients: the warm-up's four would be refused if the limiter counted them.
  const api = await spawnApi({ ...warmOn, RATE_LIMIT_GENERAL_MAX: '1', INSTANCE_ID: 'test-warming' });
  processes.push(api);
  // spawnApi resolves once the process listens: the warm-up is already done by then.
  const metrics = await (await fetch(`${api.opsUrl}/metrics`)).text();
  const warmedOk = metricValue(metrics, 'avelon_cache_warm_requests_total{reason="start",result="ok"}') ?? 0;
  assert.ok(warmedOk >= urls.length, `warmed ${warmedOk} of ${urls.length} before listening`);
  assert.equal(metricValue(metrics, 'avelon_cache_warm_requests_total{reason="start",result="error"}'), undefined);
  const first = await fetch(`${api.url}${urls[0]}`);
  assert.equal(first.status, 200, await first.text());
  assert.equal(first.headers.get('x-cache'), 'l1');
});

test('after a coarse invalidation every process re-requests the popular URLs, and lists come back from memory', async () => {
  const t = await start();
  await t.app.cacheWarmer.warm('start');
  assert.ok((await warmed(t, 'start', 'ok')) >= urls.length);
  const list = urls[3] as string;
  assert.equal((await t.app.inject({ url: list })).headers['x-cache'], 'l1');
  // What a write to any product does: every product list is dropped here and in Redis.
  await t.app.invalidator.invalidate([cacheTags.products]);
  await eventually('the re-warm ran', async () => (await warmed(t, 'invalidation', 'ok')) >= urls.length);
  const again = await t.app.inject({ url: list });
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(again.headers['x-cache'], 'l1', 'the list was reloaded by the warmer, not by this request');
});

test('with warming off nothing is recorded', async () => {
  const t = await start({ CACHE_WARM_KEYS: '0' });
  await t.app.cacheRedis.del(popularUrlsKey);
  await t.app.inject({ url: urls[0] as string });
  await t.app.cacheWarmer.flush();
  assert.equal(await t.app.cacheRedis.zcard(popularUrlsKey), 0);
});
