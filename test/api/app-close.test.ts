// Closing the app closes what its service plugins opened: every Postgres pool and every Redis
// connection (cache, cache bus, sessions, sessions bus, queue producer), so a stopping pod leaves
// nothing behind and a test process can exit.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startApp } from '../support/api.ts';
import { eventually, stack, superuserUrl } from '../support/stack.ts';

/** Clients of a Redis named by the API (cacheConnection and the producer name theirs `api-…`). */
async function apiClients(url: string): Promise<string[]> {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    const list = (await redis.call('CLIENT', 'LIST')) as string;
    return list
      .split('\n')
      .map((line) => /\bname=(\S*)/.exec(line)?.[1] ?? '')
      .filter((name) => name.startsWith('api-'));
  } finally {
    redis.disconnect();
  }
}

/** The API's connections to the replica (direct, unlike the primary's through pgbouncer). */
async function replicaBackends(): Promise<number> {
  const client = new pg.Client({ connectionString: superuserUrl(stack.AVELON_PG_REPLICA_PORT) });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'avelon-api'",
    );
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}

test('app.close() ends every pool and Redis connection the service plugins opened', async () => {
  const before = {
    cache: (await apiClients(stack.REDIS_CACHE_URL)).length,
    queue: (await apiClients(stack.REDIS_QUEUE_URL)).length,
    replica: await replicaBackends(),
  };
  const t = await startApp();
  const { app } = t;
  let closed = false;
  // A failed check must not leave the app open (the test process would never end).
  after(() => (closed ? undefined : t.close()));
  const primaryPool = (app.db.primary as unknown as { $client: pg.Pool }).$client;
  // Used once, so the pools and every connection exist.
  const res = await app.inject({ method: 'GET', url: '/api/v1/brands' });
  assert.equal(res.statusCode, 200);
  await app.db.primary.execute(sql`SELECT 1`);
  assert.ok(app.cacheSubscriber.healthy && app.sessionSubscriber.healthy, 'both buses subscribed at ready');
  assert.ok(primaryPool.totalCount > 0);
  assert.ok((await apiClients(stack.REDIS_CACHE_URL)).length - before.cache >= 2, 'cache Redis: command and bus');
  assert.ok((await apiClients(stack.REDIS_QUEUE_URL)).length - before.queue >= 3, 'sessions, their bus, producer');
  assert.ok((await replicaBackends()) > before.replica, 'replica health checks and reads');

  await t.close();
  closed = true;

  assert.equal(primaryPool.totalCount, 0);
  assert.equal(primaryPool.ended, true);
  // disconnect() is synchronous; the socket's end is reported a moment later.
  await eventually('Redis connections ended', async () =>
    [app.cacheRedis.status, app.sessionRedis.status].every((s) => s === 'end'),
  );
  assert.equal(app.cacheSubscriber.healthy, false);
  assert.equal(app.sessionSubscriber.healthy, false);
  assert.equal(await app.jobs.ping(), false, 'the producer connection is closed');
  await eventually('Redis clients gone', async () => {
    const [cache, queue] = await Promise.all([apiClients(stack.REDIS_CACHE_URL), apiClients(stack.REDIS_QUEUE_URL)]);
    return cache.length === before.cache && queue.length === before.queue;
  });
  await eventually('replica backends gone', async () => (await replicaBackends()) === before.replica);
});
