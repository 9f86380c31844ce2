// Proves: a database connection that dies while a transaction holds it (its server backend terminated,
// as when the primary or PgBouncer restarts) fails that transaction with a connection error the API
// answers as 503 (not a 500), and does not crash the process (pg emits 'error' on a checked-out client, where
// pg-pool does not listen); the pool then serves the next query on a new connection.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { isUnavailable } from '../../api/src/plugins/unavailable.ts';
import { isConnectionError } from '../../core/src/db/pools.ts';
import { closeDb, db } from '../support/api.ts';
import { testRouter } from '../support/router.ts';

const { router } = testRouter({ DATABASE_REPLICA_URLS: '' });

after(async () => {
  await router.close();
  await closeDb();
});

test('a connection killed mid-transaction fails the transaction, not the process', async () => {
  const crashes: unknown[] = [];
  const onUncaught = (error: unknown) => crashes.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    const outcome = await router.primary
      .transaction(async (tx) => {
        const { rows } = await tx.execute<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`);
        // Through PgBouncer this is the server connection lent to the transaction: killing it makes
        // PgBouncer drop the client connection the transaction is on.
        await db().query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
        // The connection dies while the transaction holds it but sends nothing: the moment of the crash.
        await sleep(300);
        await tx.execute(sql`SELECT 1`);
      })
      .then(
        () => 'committed',
        (error: Error) => error,
      );
    assert.ok(outcome instanceof Error, 'the transaction failed');
    // Drizzle answers a failed statement with a ROLLBACK, which pg refuses on the dead connection: that
    // error, not the first, is what reaches the caller, and it must still read as an outage (503).
    assert.ok(isConnectionError(outcome), `a connection error: ${outcome.message} / ${String(outcome.cause)}`);
    assert.ok(isUnavailable(outcome), 'the API answers it with 503');
    assert.deepEqual(crashes, [], 'no uncaught error');
    const { rows } = await router.primary.execute<{ one: number }>(sql`SELECT 1 AS one`);
    assert.equal(rows[0]?.one, 1, 'the pool answers on a new connection');
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});
