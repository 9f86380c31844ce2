// Proves: a row written through the router reaches the replica; with replay paused, the writer's own
// reads go to the primary and see the write, while another user's reads still use the replica.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { schema } from '@avelon/core';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { metricValue, testRouter } from '../support/router.ts';
import { eventually, stack, superuserUrl } from '../support/stack.ts';

// A wide lag bound: this file is about read-your-writes, not about lagging replicas leaving rotation.
const { router, registry } = testRouter({ DATABASE_REPLICA_MAX_LAG_MS: '600000' });
const replicaAdmin = new pg.Client({ connectionString: superuserUrl(stack.AVELON_PG_REPLICA_PORT) });

const brandBySlug = (slug: string) => (db: typeof router.primary) =>
  db.select({ id: schema.brands.id }).from(schema.brands).where(eq(schema.brands.slug, slug));
const writeBrand = (slug: string, userKey: string) =>
  router.write((tx) => tx.insert(schema.brands).values({ slug, title: slug }), { userKey });

before(async () => {
  await replicaAdmin.connect();
  await router.start();
});

after(async () => {
  await replicaAdmin.query('SELECT pg_wal_replay_resume()');
  await replicaAdmin.end();
  await router.close();
});

test('a row written through the router appears on the replica', async () => {
  const slug = `ryw-${randomUUID()}`;
  await writeBrand(slug, 'writer');
  await eventually('the replica has the row', async () => {
    const { rowCount } = await replicaAdmin.query('SELECT 1 FROM brands WHERE slug = $1', [slug]);
    return rowCount === 1;
  });
});

test('with replay paused, the writer reads its own write; another user reads the replica', async () => {
  await replicaAdmin.query('SELECT pg_wal_replay_pause()');
  await eventually('replay is paused', async () => {
    const { rows } = await replicaAdmin.query('SELECT pg_get_wal_replay_pause_state() AS s');
    return rows[0]?.s === 'paused';
  });
  const slug = `ryw-${randomUUID()}`;
  await writeBrand(slug, 'alice');

  assert.deepEqual(await router.chooseReadTarget({ userKey: 'alice' }), {
    target: 'primary',
    reason: 'read-your-writes',
  });
  assert.equal((await router.read(brandBySlug(slug), { userKey: 'alice' })).length, 1, 'alice sees her write');

  assert.equal((await router.chooseReadTarget({ userKey: 'bob' })).target, 'replica');
  assert.equal(
    (await router.read(brandBySlug(slug), { userKey: 'bob' })).length,
    0,
    'bob is served by the paused replica, which has not replayed the write',
  );
  assert.ok(
    (await metricValue(registry, 'avelon_db_read_routes_total', { target: 'primary', reason: 'read-your-writes' })) >=
      1,
  );

  await replicaAdmin.query('SELECT pg_wal_replay_resume()');
  await eventually('alice is back on the replica once it has replayed her write', async () => {
    return (await router.chooseReadTarget({ userKey: 'alice' })).target === 'replica';
  });
  const before = await metricValue(registry, 'avelon_db_queries_total', { role: 'replica' });
  assert.equal((await router.read(brandBySlug(slug), { userKey: 'alice' })).length, 1);
  assert.ok((await metricValue(registry, 'avelon_db_queries_total', { role: 'replica' })) > before);
});
