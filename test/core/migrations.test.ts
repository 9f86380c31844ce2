// Proves: the checked-in migrations build the schema on an empty database, a second run changes
// nothing, and the review trigger keeps product aggregates equal to the real ones.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runMigrations } from '@avelon/core';
import pg from 'pg';
import { createScratchDatabase, type ScratchDatabase } from '../support/databases.ts';

let scratch: ScratchDatabase;
let client: pg.Client;

before(async () => {
  scratch = await createScratchDatabase('migrate');
});
after(async () => {
  await client?.end();
  await scratch.drop();
});

test('migrations apply to an empty database, and again as a no-op', async () => {
  await runMigrations(scratch.url);
  await runMigrations(scratch.url);
  client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  const { rows: tables } = await client.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
  );
  assert.deepEqual(
    tables.map((t) => t.table_name),
    [
      'addresses',
      'brands',
      'cart_items',
      'carts',
      'categories',
      'discount_codes',
      'notifications',
      'order_items',
      'orders',
      'outbox',
      'payments',
      'product_categories',
      'products',
      'reviews',
      'users',
    ],
  );
  const { rows: applied } = await client.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
  const journal = (await import('../../core/drizzle/meta/_journal.json', { with: { type: 'json' } })).default;
  assert.equal(applied[0]?.n, journal.entries.length, 'each migration recorded once');
});

test('the review trigger keeps review_count and rating_sum right on insert, update and delete', async () => {
  const q = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows[0];
  const brand = await q("INSERT INTO brands (slug, title) VALUES ('b', 'B') RETURNING id");
  const product = await q(
    "INSERT INTO products (slug, title, brand_id, price_cents) VALUES ('p', 'P', $1, 1000) RETURNING id",
    [brand.id],
  );
  const u1 = await q("INSERT INTO users (email) VALUES ('a@example.com') RETURNING id");
  const u2 = await q("INSERT INTO users (email) VALUES ('b@example.com') RETURNING id");
  const aggregates = () => q('SELECT review_count, rating_sum FROM products WHERE id = $1', [product.id]);

  await client.query('INSERT INTO reviews (product_id, user_id, rating) VALUES ($1, $2, 5), ($1, $3, 2)', [
    product.id,
    u1.id,
    u2.id,
  ]);
  assert.deepEqual(await aggregates(), { review_count: 2, rating_sum: 7 });
  await client.query('UPDATE reviews SET rating = 4 WHERE user_id = $1', [u2.id]);
  assert.deepEqual(await aggregates(), { review_count: 2, rating_sum: 9 });
  await client.query('DELETE FROM reviews WHERE user_id = $1', [u1.id]);
  assert.deepEqual(await aggregates(), { review_count: 1, rating_sum: 4 });
});

test('constraints refuse what the API must never store', async () => {
  const refuse = (sql: string) => assert.rejects(client.query(sql), /violates check constraint|duplicate key/);
  await refuse(
    "INSERT INTO products (slug, title, brand_id, price_cents, stock) SELECT 'neg', 'N', id, 100, -1 FROM brands LIMIT 1",
  );
  await refuse(
    "INSERT INTO products (slug, title, brand_id, price_cents) SELECT 'free', 'F', id, -5 FROM brands LIMIT 1",
  );
  await refuse("INSERT INTO users (email) VALUES ('A@EXAMPLE.COM')"); // same address as a@example.com
});
