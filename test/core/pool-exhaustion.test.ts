// Proves: a burst of reads larger than the replica pool is back-pressure, not a replica failure. Reads
// wait for a free connection in a bounded queue; those beyond it are refused at once with a "busy"
// error (the API answers 503 + Retry-After); the replica stays in rotation and nothing is retried on
// the primary.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isPoolBusy } from '@avelon/core';
import { sql } from 'drizzle-orm';
import { metricValue, testRouter } from '../support/router.ts';

const { router, registry } = testRouter({
  DATABASE_REPLICA_POOL_SIZE: '2',
  DATABASE_POOL_MAX_WAITING: '6',
  // Shorter than one query: a reader still waiting for a connection after this gives up.
  DATABASE_CONNECT_TIMEOUT_MS: '150',
});

before(() => router.start());
after(() => router.close());

test('100 concurrent slow reads on a pool of 2: the replica stays up, the excess is refused as busy', async () => {
  assert.equal((await router.chooseReadTarget()).target, 'replica');
  const results = await Promise.allSettled(
    Array.from({ length: 100 }, () => router.read((db) => db.execute(sql`SELECT pg_sleep(0.3)`))),
  );
  const served = results.filter((r) => r.status === 'fulfilled').length;
  const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  assert.ok(served >= 2, `served ${served}`);
  assert.equal(served + refused.length, 100);
  assert.deepEqual(
    refused.filter((e) => !isPoolBusy(e)).map(String),
    [],
    'every refusal is back-pressure, not a failure',
  );
  assert.equal(
    await metricValue(registry, 'avelon_db_read_routes_total', { target: 'primary', reason: 'replica-failed' }),
    0,
    'nothing was retried on the primary',
  );
  assert.equal(router.replicaStates[0]?.inRotation, true, 'the replica is still in rotation');
  await router.refreshReplicas();
  assert.equal(router.replicaStates[0]?.inRotation, true, 'and its health check still answers');
});
