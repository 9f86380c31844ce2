// Proves: every list shape the catalogue serves (GET /products: sort × filter set × first page, deep
// page, cursor page; the count of each filter set; the category and brand pages) is planned on an index
// at shop size, with no seq scan of products or product_categories and a cost under its bound. The SQL
// is the API's own: captured at the pg level while the app answers HTTP, then EXPLAINed on the replica
// with the same values. Bounds and the resulting plans: docs/query-plans.md.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runMigrations } from '@avelon/core';
import pg from 'pg';
import { generateDemoData } from '../../core/src/demo-data/generate.ts';
import { loadDemoData } from '../../core/src/demo-data/load.ts';
import { demoSizePresets } from '../../core/src/demo-data/sizes.ts';
import { closeDb, replicaCaughtUp, startApp, type TestApp } from '../support/api.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/databases.ts';
import { captureQueries, explain, planNodes, summarize } from '../support/query-plans.ts';
import { stack } from '../support/stack.ts';

// The catalogue of `make up` (50k products, 300 brands, 500 categories); the other tables stay tiny:
// they play no part in these plans and would only make the load slower.
const sizes = {
  ...demoSizePresets.default,
  users: 50,
  reviews: 50,
  orders: 20,
  carts: 5,
  discountCodes: 3,
  notifications: 5,
};

/**
 * Cost bounds (Postgres cost units) at this size, from the healthy plans (docs/query-plans.md): the worst
 * first or cursor page is a category's (a sort of its ~260 products, ~1 700), the worst deep page or
 * count reads ~4 000 rows of a full-text match or the whole table once (~3 900). A seq scan of products
 * + a top-N sort costs 5 000–7 000, so a page that falls back to one fails its bound too.
 */
const bounds = { first: 2_500, deep: 5_000, count: 5_000, page: 100 } as const;
type Kind = keyof typeof bounds;

/**
 * Where a seq scan of products is the right plan: counting a filter set that matches (nearly) every
 * product reads them all whatever the index, and the table in one pass is the cheapest way; the count is
 * cached per filter set. Bounded instead by its estimated rows: one pass, never more than the table.
 */
const seqScanJustified = new Set(['count none', 'count isAvailable']);

const sorts = ['featured', 'price_asc', 'price_desc', 'newest'] as const;
// The deepest page the API serves by OFFSET: (501 − 1) × 20 = MAX_OFFSET.
const deepPage = 501;

let scratch: ScratchDatabase;
let t: TestApp;
let replica: pg.Client;
let capture: ReturnType<typeof captureQueries>;

before(async () => {
  scratch = await createScratchDatabase('plans');
  await runMigrations(scratch.url);
  await loadDemoData(scratch.url, () => generateDemoData(42, sizes));
  const primary = new pg.Client({ connectionString: scratch.url });
  await primary.connect();
  // What autovacuum has done on a live shop: the visibility map lets counts use index-only scans.
  await primary.query('VACUUM (ANALYZE) products, product_categories, brands, categories');
  await primary.end();
  await replicaCaughtUp();
  const replicaUrl = new URL(stack.DATABASE_REPLICA_URLS[0] ?? stack.DATABASE_MIGRATION_URL);
  replicaUrl.pathname = `/${scratch.name}`;
  replica = new pg.Client({ connectionString: replicaUrl.toString() });
  await replica.connect();
  capture = captureQueries(scratch.name);
  // Without the cache every request sends its statements, the count included. Writes go straight to the
  // primary: PgBouncer only serves the stack's own database.
  t = await startApp({
    DATABASE_URL: scratch.url,
    DATABASE_REPLICA_URLS: replicaUrl.toString(),
    CACHE_ENABLED: 'false',
  });
});

after(async () => {
  capture?.stop();
  await t?.close();
  await replica?.end();
  await closeDb();
  await scratch?.drop();
});

async function get(label: string, path: string): Promise<{ meta: { nextCursor?: string | null } }> {
  capture.as(label);
  const res = await t.app.inject({ method: 'GET', url: `/api/v1${path}` });
  capture.as(undefined);
  assert.equal(res.statusCode, 200, `${label}: ${res.body}`);
  return res.json();
}

/** The filter sets of GET /products; the category and brand with the most products (the worst case). */
async function filterSets(): Promise<Record<string, Record<string, string>>> {
  const { rows: c } = await replica.query<{ id: string; slug: string }>(
    `SELECT c.id, c.slug FROM categories c JOIN product_categories pc ON pc.category_id = c.id
      GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1`,
  );
  const { rows: b } = await replica.query<{ id: string; slug: string }>(
    'SELECT b.id, b.slug FROM brands b JOIN products p ON p.brand_id = b.id GROUP BY b.id ORDER BY count(*) DESC, b.id LIMIT 1',
  );
  const category = c[0];
  const brand = b[0];
  assert.ok(category && brand);
  const price = { minPrice: '1000', maxPrice: '5000' };
  // "chair" is in about 8% of the products: a common search, not a needle.
  return {
    none: {},
    isAvailable: { isAvailable: 'true' },
    // The ~7% out of stock: a selective filter of its own.
    unavailable: { isAvailable: 'false' },
    price,
    'isAvailable+price': { isAvailable: 'true', ...price },
    'category(slug)': { category: category.slug },
    'brand(id)': { brand: brand.id },
    'category(id)+brand(slug)': { category: category.id, brand: brand.slug },
    q: { q: 'chair' },
    'q+category(slug)': { q: 'chair', category: category.slug },
  };
}

function kindOf(label: string, text: string): Kind {
  // Written by hand or by Drizzle's builder (`from "products"`): either is the product count.
  if (/count\(\*\)[\s\S]*\bfrom\s+"?products"?(\s|$)/i.test(text)) return 'count';
  if (label.startsWith('page ')) return 'page';
  return label.endsWith(' deep') ? 'deep' : 'first';
}

test('every list shape plans on an index, under its cost bound', async () => {
  const sets = await filterSets();
  for (const sort of sorts) {
    for (const [name, filters] of Object.entries(sets)) {
      const qs = new URLSearchParams({ ...filters, sort }).toString();
      const first = await get(`${sort} ${name} page1`, `/products?${qs}&page=1`);
      await get(`${sort} ${name} deep`, `/products?${qs}&page=${deepPage}`);
      const cursor = first.meta.nextCursor;
      if (cursor) await get(`${sort} ${name} cursor`, `/products?${qs}&cursor=${encodeURIComponent(cursor)}`);
    }
  }
  const { rows: ids } = await replica.query<{ c: string; b: string }>(
    'SELECT (SELECT max(id) FROM categories) AS c, (SELECT max(id) FROM brands) AS b',
  );
  for (const [label, path] of [
    ['page categories first', '/categories?page=1'],
    ['page categories last', '/categories?page=25'],
    ['page category detail', `/categories/${ids[0]?.c}`],
    ['page brands first', '/brands?page=1'],
    ['page brands last', '/brands?page=15'],
    ['page brand detail', `/brands/${ids[0]?.b}`],
  ]) {
    await get(label as string, path as string);
  }

  // One plan per distinct statement and values; a count is named by its filter set, not the page.
  const distinct = new Map<string, { label: string; text: string; values: unknown[] }>();
  for (const q of capture.captured) {
    if (!/\b(products|categories|brands)\b/.test(q.text)) continue;
    const key = `${q.text}\u0000${JSON.stringify(q.values)}`;
    if (distinct.has(key)) continue;
    const label = kindOf(q.label, q.text) === 'count' ? `count ${q.label.split(' ')[1]}` : q.label;
    distinct.set(key, { ...q, label });
  }

  const { rows: size } = await replica.query<{ n: number }>(
    "SELECT reltuples::int AS n FROM pg_class WHERE oid = 'products'::regclass",
  );
  const products = size[0]?.n ?? 0;
  assert.ok(products >= sizes.products * 0.9, `the replica's statistics know the catalogue: ${products}`);
  const failures: string[] = [];
  const table: string[] = [];
  const kinds = new Map<Kind, number>();
  for (const q of distinct.values()) {
    const kind = kindOf(q.label, q.text);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    const plan = await explain(replica, q.text, q.values);
    const cost = plan['Total Cost'];
    table.push(`${q.label.padEnd(46)} ${cost.toFixed(0).padStart(6)}  ${summarize(plan)}`);
    for (const node of planNodes(plan)) {
      const rel = node['Relation Name'];
      if (node['Node Type'] !== 'Seq Scan' || (rel !== 'products' && rel !== 'product_categories')) continue;
      if (!seqScanJustified.has(q.label)) {
        failures.push(`${q.label}: Seq Scan on ${rel}\n    ${q.text.replace(/\s+/g, ' ')}`);
      } else if (rel !== 'products' || node['Plan Rows'] > products) {
        failures.push(`${q.label}: Seq Scan on ${rel} estimated ${node['Plan Rows']} rows (bound: ${products})`);
      }
    }
    if (cost > bounds[kind]) failures.push(`${q.label}: cost ${cost.toFixed(0)} > ${bounds[kind]} (${kind})`);
  }
  console.log(`\n${'shape'.padEnd(46)} ${'cost'.padStart(6)}  plan\n${table.join('\n')}\n`);

  // Every shape was driven: 4 sorts × 10 filter sets × first and deep page, a cursor page where there is
  // a second page, a count per filter set, the category and brand lists (a page and the count) and details.
  const setCount = Object.keys(sets).length;
  assert.ok((kinds.get('first') ?? 0) >= sorts.length * setCount, `first pages: ${kinds.get('first')}`);
  assert.equal(kinds.get('deep'), sorts.length * setCount);
  assert.equal(kinds.get('count'), setCount);
  assert.equal(kinds.get('page'), 8);
  assert.deepEqual(failures, []);
});
