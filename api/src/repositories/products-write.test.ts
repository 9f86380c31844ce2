import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schema } from '@avelon/core';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { ProductUpdate } from '../routes/products/schemas.ts';
import { createStatement, updateStatement } from './products-write.ts';

// No connection: the statements are only built and printed, never sent.
const db = drizzle.mock({ schema });

test('a create writes the given columns, defaults the rest, and its categories in the same statement', () => {
  const { sql, params } = createStatement(db, {
    slug: 'red-shoe',
    title: 'Red shoe',
    brandId: 3,
    priceCents: 1000,
    images: ['https://img.example/"1".jpg'],
    categoryIds: [4, 5],
  }).toSQL();
  assert.match(
    sql,
    /^with "p" as \(insert into "products" .* returning "id"\), "pc" as \(insert into "product_categories"/,
  );
  // Generated columns (id, search) and the trigger-kept totals are never taken from the body.
  assert.doesNotMatch(sql, /"search"/);
  assert.match(
    sql,
    /values \(default, \$1, \$2, default, \$3, \$4, default, default, default, default, default, \$5, default/,
  );
  assert.deepEqual(params, ['red-shoe', 'Red shoe', 3, 1000, '{"https://img.example/\\"1\\".jpg"}', '[4,5]']);
});

test('an update sets exactly the fields the body carries, then updated_at', () => {
  const cases: Array<[body: ProductUpdate, set: string, params: unknown[], why: string]> = [
    [{ title: 'New' }, '"title" = $1, "updated_at" = now()', ['New', 9], 'one field'],
    [
      { priceCents: 500, discountPercent: 10, isFeatured: true },
      '"price_cents" = $1, "discount_percent" = $2, "is_featured" = $3, "updated_at" = now()',
      [500, 10, true, 9],
      'several fields, in the table order',
    ],
    [{ images: [] }, '"images" = $1, "updated_at" = now()', ['{}', 9], 'an empty image list clears it'],
    [
      { stock: 3, reviewCount: 99 } as ProductUpdate,
      '"stock" = $1, "updated_at" = now()',
      [3, 9],
      'a column not in the admin body is never written (no mass assignment)',
    ],
  ];
  for (const [body, set, params, why] of cases) {
    const q = updateStatement(db, 9, body).toSQL();
    assert.equal(
      q.sql,
      `with "u" as (update "products" set ${set} where "products"."id" = $${params.length} returning "id") select "id" from "u"`,
      why,
    );
    assert.deepEqual(q.params, params, why);
  }
});

test('an update with categoryIds replaces them in the same statement', () => {
  const { sql, params } = updateStatement(db, 9, { categoryIds: [1, 2] }).toSQL();
  assert.match(sql, /"d" as \(delete from "product_categories" where .*"u".*<> ALL/);
  assert.match(sql, /"i" as \(insert into "product_categories" .* on conflict do nothing\) select "id" from "u"$/);
  assert.deepEqual(params, [9, '[1,2]', '[1,2]']);
});
