// Proves: PgBouncer in transaction mode serves many more clients than server connections, with
// parameterised queries (unnamed statements) and Drizzle transactions, without mixing results.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { schema } from '@avelon/core';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { stack } from '../support/stack.ts';

const SERVER_POOL = 20; // default_pool_size in scripts/stack/pgbouncer.sh
const CLIENTS = 200;
const clients = new pg.Pool({ connectionString: stack.DATABASE_URL, max: CLIENTS });
const admin = new pg.Client({ connectionString: stack.DATABASE_URL.replace(/\/avelon$/, '/pgbouncer') });

after(async () => {
  await clients.end();
  await admin.end().catch(() => {});
});

async function serverConnections(): Promise<number> {
  const { rows } = await admin.query('SHOW SERVERS');
  return rows.filter((r) => r.database === 'avelon').length;
}

test(`${CLIENTS} concurrent queries share ${SERVER_POOL} server connections and each gets its own answer`, async () => {
  await admin.connect();
  let peak = 0;
  let sampling = true;
  // One SHOW at a time on the admin connection, for as long as the burst runs.
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await serverConnections());
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    const answers = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const { rows } = await clients.query<{ n: number }>('SELECT $1::int AS n, pg_sleep(0.05)', [i]);
        return rows[0]?.n;
      }),
    );
    assert.deepEqual(
      answers,
      Array.from({ length: CLIENTS }, (_, i) => i),
    );
  } finally {
    sampling = false;
    await sampler;
  }
  assert.equal(clients.totalCount, CLIENTS, 'all client connections were open at once');
  assert.ok(peak > 0 && peak <= SERVER_POOL, `server connections peaked at ${peak}`);
});

test(`${CLIENTS} concurrent Drizzle transactions commit their own rows`, async () => {
  const db = drizzle(clients, { schema });
  const run = randomUUID();
  const ids = await Promise.all(
    Array.from({ length: CLIENTS }, (_, i) =>
      db.transaction(async (tx) => {
        const [row] = await tx
          .insert(schema.brands)
          .values({ slug: `tx-${run}-${i}`, title: `tx ${i}` })
          .returning({ id: schema.brands.id, slug: schema.brands.slug });
        // Read back inside the same transaction: it must be on the same server connection.
        const [again] = await tx
          .select({ slug: schema.brands.slug })
          .from(schema.brands)
          .where(eq(schema.brands.id, row?.id ?? -1));
        assert.equal(again?.slug, `tx-${run}-${i}`);
        return row?.id;
      }),
    ),
  );
  assert.equal(new Set(ids).size, CLIENTS);
  const { rows } = await clients.query('SELECT count(*)::int AS n FROM brands WHERE slug LIKE $1', [`tx-${run}-%`]);
  assert.equal(rows[0]?.n, CLIENTS);
});
