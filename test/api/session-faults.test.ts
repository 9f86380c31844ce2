// Sessions across Redis faults on the real stack. Sessions live in the queue Redis (noeviction + AOF), so a
// restart of the cache Redis (which keeps nothing on disk) signs nobody out, and an outage of the queue
// Redis degrades sessions the way a cache outage degraded them before: a session this instance has seen
// still works from memory, one it has not is a 503 with a code, and readiness says degraded.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cacheConnection } from '@avelon/core';
import {
  type ApiProcess,
  closeDb,
  createUser,
  metricValue,
  signInHttp,
  spawnApi,
  startApp,
  type TestApp,
  tokenFor,
} from '../support/api.ts';
import { eventually, type StackPart, stack, stackCtl } from '../support/stack.ts';

let api: ApiProcess;
let other: TestApp;
before(async () => {
  api = await spawnApi({ INSTANCE_ID: 'test-session-faults' });
  other = await startApp();
});
after(async () => {
  // Whatever happened, leave the stack whole for the next test file.
  await stackCtl('redis-cache', 'start').catch(() => {});
  await stackCtl('redis-queue', 'start').catch(() => {});
  await answers('redis-cache', stack.REDIS_CACHE_URL).catch(() => {});
  await answers('redis-queue', stack.REDIS_QUEUE_URL).catch(() => {});
  await other?.close();
  await api?.stop();
  await closeDb();
});

/** Waits until a (re)started Redis answers. */
async function answers(part: StackPart, url: string): Promise<void> {
  const redis = cacheConnection(url, 1000, 'test');
  redis.on('error', () => {});
  try {
    await eventually(`${part} answers`, async () => (await redis.ping().catch(() => '')) === 'PONG', 15_000);
  } finally {
    redis.disconnect();
  }
}

/** GET /users/me on the spawned instance. */
const me = async (token: string) => {
  const res = await fetch(`${api.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
};

test('a signed-in user keeps the session across a cache Redis stop and start', async () => {
  const token = await signInHttp(api.url, (await createUser()).email);
  assert.equal((await me(token)).status, 200);

  await stackCtl('redis-cache', 'stop');
  await stackCtl('redis-cache', 'start');
  await answers('redis-cache', stack.REDIS_CACHE_URL);

  // The instance that signed the user in, and one that has never seen the token (nothing in its memory:
  // the answer comes from the session store itself).
  const here = await me(token);
  assert.equal(here.status, 200, here.text);
  const fresh = await other.app.inject({
    method: 'GET',
    url: '/api/v1/users/me',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(fresh.statusCode, 200, fresh.body);
  // Sign-in codes do live in the cache Redis: wait until the instance uses it again.
  await eventually(
    'the instance is ready again',
    async () => ((await (await fetch(`${api.opsUrl}/readyz`)).json()) as { status: string }).status === 'ok',
    15_000,
  );
});

test('a queue Redis outage: a session seen before still works, an unseen one is a 503 with a code', async () => {
  const seen = await signInHttp(api.url, (await createUser()).email);
  assert.equal((await me(seen)).status, 200);
  // Signed through the other instance: the spawned one has never checked it.
  const unseen = await tokenFor(other.app, await createUser());

  await stackCtl('redis-queue', 'stop');
  try {
    const ok = await me(seen);
    assert.equal(ok.status, 200, ok.text);
    const refused = await me(unseen);
    assert.equal(refused.status, 503, refused.text);
    assert.equal(JSON.parse(refused.text).error.code, 'API_ERR_UNAVAILABLE');

    const readyz = await fetch(`${api.opsUrl}/readyz`);
    const ready = JSON.parse(await readyz.text());
    assert.equal(readyz.status, 200, 'degraded, not out of rotation');
    assert.equal(ready.status, 'degraded');
    assert.notEqual(ready.checks['redis-queue'], 'ok');
    assert.equal(ready.checks['redis-cache'], 'ok', 'the cache Redis is not involved');
    const metrics = await (await fetch(`${api.opsUrl}/metrics`)).text();
    assert.ok(
      (metricValue(metrics, 'avelon_auth_session_checks_total{source="redis",outcome="unavailable"}') ?? 0) > 0,
    );
  } finally {
    await stackCtl('redis-queue', 'start');
  }
  await answers('redis-queue', stack.REDIS_QUEUE_URL);
  // Back: the unseen session is checked again (once the breaker lets a request through).
  await eventually('the unseen session is valid again', async () => (await me(unseen)).status === 200, 15_000);
});
