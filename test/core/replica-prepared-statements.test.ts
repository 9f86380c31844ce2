// Proves: reads on the replica are sent as named prepared statements (the replica's backend lists
// them in pg_prepared_statements); the same query config retried on the primary after a replica
// failure goes through PgBouncer unnamed and succeeds; a prepared `SELECT *` whose table gained a
// column (a migration) is answered anyway (retried unnamed on 0A000) and prepared again afterwards.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { schema } from '@avelon/core';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { testRouter } from '../support/router.ts';
import { eventually, stack } from '../support/stack.ts';

// One connection per replica: the statements listed are those of the connection that ran the reads.
const open: Array<{ close(): Promise<void> }> = [];
function router(overrides: Record<string, string> = {}) {
  const made = testRouter({ DATABASE_REPLICA_POOL_SIZE: '1', DATABASE_POOL_SIZE: '1', ...overrides });
  open.push(made.router);
  return made.router;
}
after(() => Promise.all(open.map((r) => r.close())));

type Db = ReturnType<typeof router>['primary'];
// drizzle() returns the database with its pool as $client; the router's Db type leaves it out.
const poolOf = (db: Db) => (db as Db & { $client: pg.Pool }).$client;
const preparedOn = async (db: Db) =>
  (await poolOf(db).query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements'))
    .rows;
/** Statements pg believes parsed on the pool's connections (private pg state, fine for a test). */
const parsedOnPool = (db: Db) =>
  (poolOf(db) as unknown as { _clients: Array<{ connection: { parsedStatements: object } }> })._clients.flatMap((c) =>
    Object.keys(c.connection.parsedStatements),
  );

test('a replica read is a named prepared statement of that connection', async () => {
  const r = router();
  await r.start();
  const detail = (db: Db) => db.select().from(schema.brands).where(eq(schema.brands.id, 1));
  const text = detail(r.primary).toSQL().sql;
  for (let i = 0; i < 3; i++) await r.read(detail);
  const statements = await r.read(preparedOn);
  const ours = statements.filter((s) => s.statement === text);
  assert.equal(ours.length, 1, `prepared once: ${JSON.stringify(statements)}`);
  assert.match(ours[0]?.name ?? '', /^a_[0-9a-f]{40}$/);
  // Switched off: the same reads stay unnamed.
  const off = router({ DATABASE_REPLICA_PREPARED: 'false' });
  await off.start();
  await off.read(detail);
  assert.deepEqual(
    (await off.read(preparedOn)).filter((s) => s.statement === text),
    [],
  );
});

test('a failed replica read retried on the primary goes unnamed through PgBouncer and succeeds', async () => {
  const r = router();
  await r.start();
  assert.equal((await r.chooseReadTarget()).target, 'replica');
  // One config object for both attempts, as a caller that builds its query once would pass it.
  const shared = { text: 'SELECT pg_is_in_recovery() AS recovering, $1::int AS n', rowMode: 'array' as const };
  const snapshot = { ...shared };
  const served: boolean[] = [];
  const rows = await r.read(async (db) => {
    const result = await poolOf(db).query(shared, [42]);
    served.push(result.rows[0]?.[0] as boolean);
    if (db !== r.primary) {
      assert.equal(parsedOnPool(db).length, 1, 'named on the replica');
      // The replica "goes away" right after answering: the router must retry on the primary.
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    }
    return result.rows;
  });
  assert.deepEqual(served, [true, false], 'replica first, then the primary');
  assert.deepEqual(rows, [[false, 42]]);
  assert.deepEqual(shared, snapshot, 'the caller object was not given a name');
  // Many more primary reads: a named statement through transaction pooling would fail on another
  // server connection ("prepared statement ... does not exist"); unnamed they all succeed.
  for (let i = 0; i < 20; i++) await poolOf(r.primary).query(shared, [i]);
  await r.read((db) => db.select().from(schema.brands).where(eq(schema.brands.id, 1)), {});
  assert.deepEqual(parsedOnPool(r.primary), [], 'nothing was ever named on the PgBouncer pool');
});

test('a migration under a prepared SELECT *: answered (0A000 retried unnamed), then prepared again', async () => {
  const table = `prepared_scratch_${process.pid}`;
  const ddl = new pg.Client({ connectionString: stack.DATABASE_MIGRATION_URL });
  await ddl.connect();
  try {
    await ddl.query(`DROP TABLE IF EXISTS ${table}`);
    await ddl.query(`CREATE TABLE ${table} (id int PRIMARY KEY, a text)`);
    await ddl.query(`INSERT INTO ${table} VALUES (1, 'one')`);
    const r = router();
    await r.start();
    const hasColumns = (n: number) => async () => {
      const { rows } = await r.read((db) =>
        poolOf(db).query<{ n: number }>(
          `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = '${table}'`,
        ),
      );
      return rows[0]?.n === n;
    };
    await eventually('the replica has the table', hasColumns(2));
    const selectAll = (db: Db) => db.execute(sql`SELECT * FROM ${sql.identifier(table)} WHERE id = ${1}`);
    assert.deepEqual((await r.read(selectAll)).rows, [{ id: 1, a: 'one' }]);
    const named = (await r.read(preparedOn)).filter((s) => s.statement.includes(table));
    assert.equal(named.length, 1, 'prepared on the replica');

    await ddl.query(`ALTER TABLE ${table} ADD COLUMN b text DEFAULT 'new'`);
    await eventually('the replica has the new column', hasColumns(3));
    // Prepared before the ALTER: Postgres answers 0A000 "cached plan must not change result type".
    assert.deepEqual((await r.read(selectAll)).rows, [{ id: 1, a: 'one', b: 'new' }]);
    assert.deepEqual(
      (await r.read(preparedOn)).filter((s) => s.statement.includes(table)),
      [],
      'the stale statement was deallocated',
    );
    assert.deepEqual((await r.read(selectAll)).rows, [{ id: 1, a: 'one', b: 'new' }]);
    assert.equal(
      (await r.read(preparedOn)).filter((s) => s.statement.includes(table)).length,
      1,
      'prepared again, against the new columns',
    );
    // Proof that the 0A000 really happens without the retry: a bare client preparing the same way.
    const bare = new pg.Client({ connectionString: stack.DATABASE_REPLICA_URLS[0] });
    await bare.connect();
    try {
      const q = { name: 'stale_probe', text: `SELECT * FROM ${table} WHERE id = $1` };
      await bare.query(q, [1]);
      await ddl.query(`ALTER TABLE ${table} ADD COLUMN c text`);
      await eventually('the replica has the second new column', hasColumns(4));
      await assert.rejects(bare.query(q, [1]), { code: '0A000' });
    } finally {
      await bare.end();
    }
  } finally {
    await ddl.query(`DROP TABLE IF EXISTS ${table}`);
    await ddl.end();
  }
});
