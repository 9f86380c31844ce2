import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { generateDemoData } from './generate.ts';
import { demoSizePresets } from './sizes.ts';

const digest = (seed: number) =>
  createHash('sha256')
    .update(JSON.stringify(generateDemoData(seed, demoSizePresets.tiny)))
    .digest('hex');

test('the same seed gives the same rows; another seed other rows', () => {
  assert.equal(digest(7), digest(7));
  assert.notEqual(digest(7), digest(8));
});

test('rows respect the schema: references exist, money is whole cents, totals add up', () => {
  const sizes = demoSizePresets.tiny;
  const tables = Object.fromEntries(generateDemoData(1, sizes).map((t) => [t.table, t]));
  const col = (table: string, name: string) => {
    const t = tables[table];
    assert.ok(t, table);
    const i = t.columns.indexOf(name);
    assert.ok(i >= 0, `${table}.${name}`);
    return t.rows.map((r) => r[i]);
  };
  assert.equal(col('products', 'id').length, sizes.products);
  for (const brand of col('products', 'brand_id')) assert.ok(Number(brand) >= 1 && Number(brand) <= sizes.brands);
  for (const price of col('products', 'price_cents')) assert.ok(Number.isInteger(price) && Number(price) > 0);
  const pairs = col('reviews', 'user_id').map((u, i) => `${u}:${col('reviews', 'product_id')[i]}`);
  assert.equal(new Set(pairs).size, pairs.length, 'one review per user and product');
  for (const rating of col('reviews', 'rating')) assert.ok(Number(rating) >= 1 && Number(rating) <= 5);
  const emails = col('users', 'email');
  assert.equal(new Set(emails).size, emails.length, 'emails are unique');
  // order subtotal = sum of its items
  const sums = new Map<unknown, number>();
  const items = tables.order_items;
  assert.ok(items);
  for (const [, orderId, , , quantity, unit] of items.rows) {
    sums.set(orderId, (sums.get(orderId) ?? 0) + Number(quantity) * Number(unit));
  }
  col('orders', 'id').forEach((id, i) => {
    assert.equal(col('orders', 'subtotal_cents')[i], sums.get(id), `order ${id}`);
  });
});
