// Proves: with the replica stopped, reads still succeed (from the primary, including the reads that
// were already headed for the replica); restarted, the replica returns to rotation and serves reads.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { schema } from '@avelon/core';
import { count } from 'drizzle-orm';
import { metricValue, testRouter } from '../support/router.ts';
import { eventually, stackCtl } from '../support/stack.ts';

const { router, registry } = testRouter();
const countBrands = (db: typeof router.primary) => db.select({ n: count() }).from(schema.brands);

before(() => router.start());
after(async () => {
  await stackCtl('replica', 'start');
  await router.close();
});

test('replica stopped: reads fail over to the primary; restarted: it is back in rotation', async () => {
  assert.equal((await router.chooseReadTarget()).target, 'replica');
  await router.read(countBrands); // opens a pooled connection to the replica that the stop will break

  await stackCtl('replica', 'stop');
  // The first reads may still be routed to the replica before the monitor notices: they must not fail.
  for (let i = 0; i < 20; i++) {
    const rows = await router.read(countBrands);
    assert.equal(rows.length, 1);
  }
  assert.deepEqual(await router.chooseReadTarget(), { target: 'primary', reason: 'no-replica' });
  assert.equal(router.replicaStates[0]?.up, false);

  await stackCtl('replica', 'start');
  await eventually(
    'the replica is back in rotation',
    async () => {
      return (await router.chooseReadTarget()).target === 'replica';
    },
    30_000,
  );
  const before = await metricValue(registry, 'avelon_db_queries_total', { role: 'replica' });
  await router.read(countBrands);
  assert.ok(
    (await metricValue(registry, 'avelon_db_queries_total', { role: 'replica' })) > before,
    'served by the replica',
  );
});
