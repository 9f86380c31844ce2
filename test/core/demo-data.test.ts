// Proves: the demo generator is deterministic end to end (same seed → same database checksum, another
// seed → another), a second load is skipped, and loaded aggregates match the reviews.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { runMigrations } from '@avelon/core';
import pg from 'pg';
import { demoDataChecksum } from '../../core/src/demo-data/checksum.ts';
import { generateDemoData } from '../../core/src/demo-data/generate.ts';
import { loadDemoData } from '../../core/src/demo-data/load.ts';
import { demoSizePresets } from '../../core/src/demo-data/sizes.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/databases.ts';

const scratches: ScratchDatabase[] = [];
after(() => Promise.all(scratches.map((s) => s.drop())));

async function loaded(seed: number) {
  const db = await createScratchDatabase('demo');
  scratches.push(db);
  await runMigrations(db.url);
  const result = await loadDemoData(db.url, () => generateDemoData(seed, demoSizePresets.tiny));
  assert.equal(result.loaded, true);
  return db;
}

const tables = generateDemoData(1, demoSizePresets.tiny).map(({ table, columns }) => ({ table, columns }));

test('same seed, same checksum; another seed, another checksum', async () => {
  const [a, b, c] = [await loaded(7), await loaded(7), await loaded(8)];
  const [sumA, sumB, sumC] = await Promise.all([a, b, c].map((db) => demoDataChecksum(db.url, tables)));
  assert.match(sumA ?? '', /^[0-9a-f]{32}$/);
  assert.equal(sumA, sumB);
  assert.notEqual(sumA, sumC);

  const again = await loadDemoData(a.url, () => generateDemoData(7, demoSizePresets.tiny));
  assert.deepEqual(again, { loaded: false, reason: 'the database already has products' });
  assert.equal(await demoDataChecksum(a.url, tables), sumA, 'the skipped load changed nothing');
});

test('loaded aggregates and sequences are right', async () => {
  const db = scratches[0];
  assert.ok(db);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query(`
      SELECT count(*)::int AS wrong FROM products p
      LEFT JOIN (SELECT product_id, count(*) AS n, sum(rating) AS s FROM reviews GROUP BY product_id) r ON r.product_id = p.id
      WHERE p.review_count <> coalesce(r.n, 0) OR p.rating_sum <> coalesce(r.s, 0)`);
    assert.equal(rows[0]?.wrong, 0);
    // New rows after the load get fresh ids and order numbers, not ones COPY already used.
    const brand = await client.query("INSERT INTO brands (slug, title) VALUES ('after-load', 'x') RETURNING id");
    assert.equal(brand.rows[0]?.id, String(demoSizePresets.tiny.brands + 1));
    const { rows: seq } = await client.query(
      "SELECT nextval('order_number_seq') AS n, (SELECT max(number) FROM orders) AS m",
    );
    assert.ok(BigInt(seq[0].n) > BigInt(seq[0].m));
  } finally {
    await client.end();
  }
});
