import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schema } from '@avelon/core';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { ProductListQuery, Sort } from '../routes/products/schemas.ts';
import { encodeCursor } from './products-cursor.ts';
import { countQuery, pageQuery } from './products-read.ts';

// No connection: the queries are only built and printed, never sent.
const db = drizzle.mock({ schema });
const where = (sql: string) => /where (.*?) order by|where (.*)$/.exec(sql)?.slice(1).find(Boolean) ?? '';

test('each filter becomes one WHERE term, on the column its index covers', () => {
  const cases: Array<[q: ProductListQuery, term: string, params: unknown[], why: string]> = [
    [{}, '', [], 'no filter: no WHERE'],
    [{ isAvailable: false }, '"products"."is_available" = $1', [false], 'availability'],
    [{ brand: '12' }, '"products"."brand_id" = $1', [12], 'a brand id is compared as a number'],
    [
      { brand: 'acme' },
      '"products"."brand_id" = (select "id" from "brands" where "brands"."slug" = $1)',
      ['acme'],
      'a brand slug resolves in the same statement',
    ],
    [
      { category: '4' },
      'exists (select 1 from "product_categories" where ("product_categories"."product_id" = "products"."id" and "product_categories"."category_id" = $1))',
      [4],
      'a category id: a semi-join on product_categories',
    ],
    [
      { category: 'shoes' },
      'exists (select 1 from "product_categories" where ("product_categories"."product_id" = "products"."id" and "product_categories"."category_id" = (select "id" from "categories" where "categories"."slug" = $1)))',
      ['shoes'],
      'a category slug resolves in the same statement',
    ],
    [{ minPrice: 100 }, '"products"."price_cents" >= $1', [100], 'lower price bound, inclusive'],
    [{ maxPrice: 900 }, '"products"."price_cents" <= $1', [900], 'upper price bound, inclusive'],
    [
      { q: 'red shoe' },
      `"products"."search" @@ websearch_to_tsquery('english', $1)`,
      ['red shoe'],
      'full text on the GIN-indexed tsvector',
    ],
    [
      { isAvailable: true, minPrice: 1, maxPrice: 2 },
      '("products"."is_available" = $1 and "products"."price_cents" >= $2 and "products"."price_cents" <= $3)',
      [true, 1, 2],
      'several filters are ANDed',
    ],
  ];
  for (const [q, term, params, why] of cases) {
    const count = countQuery(db, q).toSQL();
    assert.equal(where(count.sql), term, why);
    assert.deepEqual(count.params, params, why);
    // The page shares the count's WHERE, then adds LIMIT n+1 and OFFSET.
    const page = pageQuery(db, q, 'featured', 20, 3).toSQL();
    assert.equal(where(page.sql), term, why);
    assert.deepEqual(page.params, [...params, 21, 40], why);
  }
});

test('each sort orders by its index, and its cursor continues after the last row with a row comparison', () => {
  const cases: Array<[sort: Sort, k: boolean | number | string, orderBy: string, after: string, why: string]> = [
    [
      'featured',
      true,
      '"products"."is_featured" desc, "products"."id" desc',
      '("products"."is_featured", "products"."id") < ($1, $2)',
      'products_featured_idx',
    ],
    [
      'price_asc',
      500,
      '"products"."price_cents" asc, "products"."id" asc',
      '("products"."price_cents", "products"."id") > ($1, $2)',
      'products_price_idx forwards',
    ],
    [
      'price_desc',
      500,
      '"products"."price_cents" desc, "products"."id" desc',
      '("products"."price_cents", "products"."id") < ($1, $2)',
      'products_price_idx backwards',
    ],
    [
      'newest',
      '2026-11-30T02:17:00.123456Z',
      '"products"."created_at" desc, "products"."id" desc',
      '("products"."created_at", "products"."id") < ($1::timestamptz, $2)',
      'products_newest_idx; the key keeps microseconds',
    ],
  ];
  for (const [sort, k, orderBy, after, why] of cases) {
    const first = pageQuery(db, {}, sort, 20, 1).toSQL();
    // OFFSET 0 is left out: the first page is a plain top-n walk of the index.
    assert.ok(first.sql.endsWith(` order by ${orderBy} limit $1`), why);
    assert.deepEqual(first.params, [21], why);
    const cursor = encodeCursor({ s: sort, k, i: 77 } as Parameters<typeof encodeCursor>[0]);
    const next = pageQuery(db, { cursor }, sort, 20, 5).toSQL();
    assert.equal(where(next.sql), after, why);
    // A cursor page never skips rows by OFFSET, whatever `page` says.
    assert.deepEqual(next.params, [k, 77, 21], why);
  }
});

test('the page selects the first image and the cursor key in SQL', () => {
  const { sql } = pageQuery(db, {}, 'newest', 20, 1).toSQL();
  assert.match(sql, /"images"\[1\]/);
  assert.match(sql, /to_char\("created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS\.US"Z"'\)/);
});
