// Proves: a read that must see its user's last write (read-your-writes sends it to the primary) is
// answered by the replica when the primary cannot be reached, instead of failing: during an outage of
// the primary or PgBouncer nothing new is written, so the replica lacks at most the last moments. The
// fallback is counted (avelon_db_read_routes_total{target="replica",reason="primary-failed"}).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DatabaseRouter, databaseConfigShape, loadConfig, MemoryWritePositionStore } from '@avelon/core';
import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { metricValue } from '../support/router.ts';
import { stack } from '../support/stack.ts';

// The primary's URL points at a port nothing listens on: every connection to it is refused at once.
const config = loadConfig(databaseConfigShape, {
  DATABASE_URL: 'postgres://avelon:avelon@127.0.0.1:1/avelon',
  DATABASE_REPLICA_URLS: stack.DATABASE_REPLICA_URLS.join(','),
  DATABASE_MIGRATION_URL: stack.DATABASE_MIGRATION_URL,
  DATABASE_REPLICA_CHECK_INTERVAL_MS: '100',
});
const registry = new Registry();
const positions = new MemoryWritePositionStore(60_000);
const router = new DatabaseRouter({ config, registry, applicationName: 'avelon-test', writePositions: positions });

before(() => router.start());
after(() => router.close());

test('read-your-writes with the primary unreachable: the replica answers', async () => {
  // A position no replica has replayed: the read must go to the primary.
  await positions.remember('user:ryw-fallback', 2n ** 60n);
  assert.deepEqual(await router.chooseReadTarget({ userKey: 'user:ryw-fallback' }), {
    target: 'primary',
    reason: 'read-your-writes',
  });
  const { rows } = await router.read(
    (db) => db.execute<{ recovering: boolean }>(sql`SELECT pg_is_in_recovery() AS recovering`),
    {
      userKey: 'user:ryw-fallback',
    },
  );
  assert.equal(rows[0]?.recovering, true, 'answered by the replica');
  assert.equal(
    await metricValue(registry, 'avelon_db_read_routes_total', { target: 'replica', reason: 'primary-failed' }),
    1,
  );
});

test('a read without a replica to fall back to still fails (nothing to answer from)', async () => {
  const lonely = new DatabaseRouter({
    config: { ...config, DATABASE_REPLICA_URLS: [] },
    registry: new Registry(),
    applicationName: 'avelon-test',
  });
  await lonely.start();
  try {
    await assert.rejects(lonely.read((db) => db.execute(sql`SELECT 1`)));
  } finally {
    await lonely.close();
  }
});
