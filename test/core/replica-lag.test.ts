// Proves: a replica that falls behind past the bound leaves rotation (reads go to the primary) and
// comes back once it has caught up.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { schema } from '@avelon/core';
import pg from 'pg';
import { metricValue, testRouter } from '../support/router.ts';
import { eventually, stack, superuserUrl } from '../support/stack.ts';

const { router, registry } = testRouter({ DATABASE_REPLICA_MAX_LAG_MS: '300' });
const replicaAdmin = new pg.Client({ connectionString: superuserUrl(stack.AVELON_PG_REPLICA_PORT) });
const replicaName = `127.0.0.1:${stack.AVELON_PG_REPLICA_PORT}`;

before(async () => {
  await replicaAdmin.connect();
  await router.start();
});

after(async () => {
  await replicaAdmin.query('SELECT pg_wal_replay_resume()');
  await replicaAdmin.end();
  await router.close();
});

test('a lagging replica leaves rotation and returns when it catches up', async () => {
  assert.equal((await router.chooseReadTarget()).target, 'replica', 'starts in rotation');
  await replicaAdmin.query('SELECT pg_wal_replay_pause()');
  // Keep writing so the primary moves ahead of the paused replica.
  let writing = true;
  const writer = (async () => {
    while (writing) {
      await router.write((tx) => tx.insert(schema.brands).values({ slug: `lag-${randomUUID()}`, title: 'lag' }));
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    await eventually('the replica leaves rotation', async () => {
      return (await router.chooseReadTarget()).target === 'primary';
    });
    assert.deepEqual(await router.chooseReadTarget(), { target: 'primary', reason: 'no-replica' });
    assert.equal(await metricValue(registry, 'avelon_db_replica_in_rotation', { replica: replicaName }), 0);
    assert.ok((await metricValue(registry, 'avelon_db_replica_lag_seconds', { replica: replicaName })) > 0.3);
    const state = router.replicaStates[0];
    assert.ok(state?.up, 'it is lagging, not down');
    assert.ok((state?.lagBytes ?? 0) > 0);
  } finally {
    writing = false;
    await writer;
  }
  await replicaAdmin.query('SELECT pg_wal_replay_resume()');
  await eventually('the replica is back in rotation', async () => {
    return (await router.chooseReadTarget()).target === 'replica';
  });
  assert.equal(await metricValue(registry, 'avelon_db_replica_in_rotation', { replica: replicaName }), 1);
});
