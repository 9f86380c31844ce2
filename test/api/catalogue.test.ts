// The public catalogue through app.inject(): every endpoint and its error paths, the cache headers
// (ETag, 304, x-cache), negative caching, single-flight, and the error registry on the wire.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultCacheTtlSeconds } from '@avelon/core';
import {
  closeDb,
  createBrand,
  createCategory,
  createProduct,
  metricValue,
  startApp,
  type TestApp,
} from '../support/api.ts';

let t: TestApp;
let brand: { id: number; slug: string };
let category: { id: number; slug: string };
let child: { id: number; slug: string };
const products: Array<{ id: number; priceCents: number }> = [];
// A word no other product has, so full-text search has exactly one answer.
const word = `zq${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;

before(async () => {
  t = await startApp();
  brand = await createBrand();
  category = await createCategory();
  child = await createCategory(category.id);
  // Six products of a brand of their own, so filters have an exact answer whatever else is in the database.
  for (const [i, price] of [500, 1500, 2500, 3500, 4500, 5500].entries()) {
    const p = await createProduct({
      brandId: brand.id,
      priceCents: price,
      title: i === 0 ? `${word} lantern` : undefined,
      categoryIds: i % 2 === 0 ? [category.id] : [],
    });
    products.push({ id: p.id, priceCents: price });
  }
});

after(async () => {
  await t.close();
  await closeDb();
});

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
/** GET on the ops server (probes, metrics, docs): what main.ts serves on OPS_PORT. */
const ops = async (path: string) => {
  const res = await fetch(`${t.ops.url}${path}`);
  const body = await res.text();
  return { statusCode: res.status, body, json: () => JSON.parse(body) };
};

describe('GET /products/:id', () => {
  test('answers the product, then serves it from memory with the same bytes and ETag', async () => {
    const id = products[0]?.id;
    const first = await get(`/api/v1/products/${id}`);
    assert.equal(first.statusCode, 200);
    const body = first.json();
    assert.equal(body.id, id);
    assert.equal(body.brand.id, brand.id);
    assert.deepEqual(
      body.categories.map((c: { id: number }) => c.id),
      [category.id],
    );
    assert.deepEqual(body.rating, { average: null, count: 0 });
    assert.match(String(first.headers['content-type']), /application\/json/);
    assert.equal(first.headers['cache-control'], 'public, max-age=0, must-revalidate');
    const second = await get(`/api/v1/products/${id}`);
    assert.equal(second.headers['x-cache'], 'l1');
    assert.equal(second.body, first.body);
    assert.equal(second.headers.etag, first.headers.etag);
  });

  test('answers If-None-Match with 304 and no body', async () => {
    const url = `/api/v1/products/${products[1]?.id}`;
    const etag = String((await get(url)).headers.etag);
    const res = await get(url, { 'if-none-match': etag });
    assert.equal(res.statusCode, 304);
    assert.equal(res.body, '');
    assert.equal((await get(url, { 'if-none-match': '"other"' })).statusCode, 200);
  });

  test('remembers an absent product briefly (the second 404 does not reach the database)', async () => {
    const url = '/api/v1/products/900000000001';
    const first = await get(url);
    assert.equal(first.statusCode, 404);
    assert.equal(first.json().error.code, 'API_ERR_NOT_FOUND');
    const second = await get(url);
    assert.equal(second.statusCode, 404);
    assert.equal(second.headers['x-cache'], 'l1');
  });

  test('coalesces concurrent misses of one key into one database load', async () => {
    const p = await createProduct({ brandId: (await createBrand()).id });
    const loads = async () =>
      metricValue((await ops('/metrics')).body, 'avelon_cache_loads_total{class="product",outcome="found"}') ?? 0;
    const before = await loads();
    const responses = await Promise.all(Array.from({ length: 20 }, () => get(`/api/v1/products/${p.id}`)));
    assert.ok(responses.every((r) => r.statusCode === 200));
    assert.equal((await loads()) - before, 1);
  });

  test('rejects ids that are not positive safe integers with 400, never 500', async () => {
    for (const id of ['0', '-1', 'abc', '99999999999999999999999', '1.5']) {
      const res = await get(`/api/v1/products/${id}`);
      assert.equal(res.statusCode, 400, id);
      assert.equal(res.json().error.code, 'API_ERR_VALIDATION');
    }
  });
});

describe('GET /products', () => {
  const list = async (qs: string) => {
    const res = await get(`/api/v1/products?${qs}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { data: Array<{ id: number; priceCents: number }>; meta: Record<string, unknown> };
  };

  test('filters by brand (id or slug), price range and category, with the total', async () => {
    const byId = await list(`brand=${brand.id}&limit=100`);
    assert.equal(byId.meta.total, 6);
    const bySlug = await list(`brand=${brand.slug}&limit=100`);
    assert.deepEqual(
      bySlug.data.map((p) => p.id),
      byId.data.map((p) => p.id),
    );
    const ranged = await list(`brand=${brand.id}&minPrice=1500&maxPrice=3500&sort=price_asc`);
    assert.deepEqual(
      ranged.data.map((p) => p.priceCents),
      [1500, 2500, 3500],
    );
    const inCategory = await list(`category=${category.slug}&brand=${brand.id}`);
    assert.equal(inCategory.meta.total, 3);
  });

  test('sorts by price both ways', async () => {
    const asc = await list(`brand=${brand.id}&sort=price_asc`);
    assert.deepEqual(
      asc.data.map((p) => p.priceCents),
      [500, 1500, 2500, 3500, 4500, 5500],
    );
    const desc = await list(`brand=${brand.id}&sort=price_desc`);
    assert.deepEqual(
      desc.data.map((p) => p.priceCents),
      [5500, 4500, 3500, 2500, 1500, 500],
    );
  });

  test('searches the full text of titles', async () => {
    const found = await list(`q=${word}`);
    assert.deepEqual(
      found.data.map((p) => p.id),
      [products[0]?.id],
    );
  });

  test('pages by keyset cursor through the same rows as by page, for every sort', async () => {
    for (const sort of ['featured', 'price_asc', 'price_desc', 'newest']) {
      const all = await list(`brand=${brand.id}&sort=${sort}&limit=100`);
      const seen: number[] = [];
      let page = await list(`brand=${brand.id}&sort=${sort}&limit=4`);
      seen.push(...page.data.map((p) => p.id));
      while (page.meta.nextCursor) {
        page = await list(`brand=${brand.id}&sort=${sort}&limit=4&cursor=${page.meta.nextCursor}`);
        assert.equal(page.meta.page, null);
        seen.push(...page.data.map((p) => p.id));
      }
      assert.deepEqual(
        seen,
        all.data.map((p) => p.id),
        sort,
      );
    }
  });

  test('rejects bad input with 400 and a registered code', async () => {
    const cases: Array<[string, string]> = [
      ['limit=101', 'API_ERR_VALIDATION'], // over the page size cap
      ['page=0', 'API_ERR_VALIDATION'], // pages start at 1
      ['sort=cheapest', 'API_ERR_VALIDATION'], // unknown sort
      ['minPrice=10&maxPrice=5', 'API_ERR_VALIDATION'], // empty range
      ['page=600&limit=20', 'API_ERR_VALIDATION'], // deep offset: use the cursor
      ['colour=red', 'API_ERR_VALIDATION'], // unknown parameter
      ['cursor=not-a-cursor', 'API_ERR_BAD_CURSOR'], // not ours
      [
        `sort=newest&cursor=${Buffer.from('{"s":"newest","k":"2020","i":1}').toString('base64url')}`,
        'API_ERR_BAD_CURSOR',
      ], // a date Postgres would not parse
      [
        `sort=price_asc&cursor=${Buffer.from('{"s":"newest","k":"x","i":1}').toString('base64url')}`,
        'API_ERR_BAD_CURSOR',
      ], // other sort
    ];
    for (const [qs, code] of cases) {
      const res = await get(`/api/v1/products?${qs}`);
      assert.equal(res.statusCode, 400, qs);
      assert.equal(res.json().error.code, code, qs);
    }
  });
});

describe('categories and brands', () => {
  test('GET /categories/:id shows parent and children', async () => {
    const res = await get(`/api/v1/categories/${category.id}`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(
      res.json().children.map((c: { id: number }) => c.id),
      [child.id],
    );
    const sub = (await get(`/api/v1/categories/${child.id}`)).json();
    assert.equal(sub.parent.id, category.id);
    assert.equal((await get('/api/v1/categories/900000000001')).statusCode, 404);
  });

  test('GET /categories and /brands page with a total', async () => {
    for (const url of ['/api/v1/categories?limit=5', '/api/v1/brands?limit=5']) {
      const res = await get(url);
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.ok(body.data.length <= 5 && body.data.length > 0);
      assert.ok(body.meta.total >= body.data.length);
    }
  });

  test('GET /brands/:id', async () => {
    const res = await get(`/api/v1/brands/${brand.id}`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().slug, brand.slug);
    assert.equal((await get('/api/v1/brands/900000000001')).statusCode, 404);
  });
});

describe('protocol errors are client errors, from one registry', () => {
  const post = (payload: string, contentType: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload, headers: { 'content-type': contentType } });

  test('malformed JSON → 400, wrong content type → 415, too large → 413', async () => {
    const malformed = await post('{"email": ', 'application/json');
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error.code, 'API_ERR_MALFORMED_JSON');
    const text = await post('email=a@b.c', 'text/plain');
    assert.equal(text.statusCode, 415);
    assert.equal(text.json().error.code, 'API_ERR_UNSUPPORTED_MEDIA_TYPE');
    const big = await post(JSON.stringify({ email: 'a@b.c', pad: 'x'.repeat(100_000) }), 'application/json');
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error.code, 'API_ERR_BODY_TOO_LARGE');
  });

  test('unknown route → 404, known route with another method → 405 with Allow', async () => {
    const missing = await get('/api/v1/nothing-here');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'API_ERR_ROUTE_NOT_FOUND');
    const wrong = await t.app.inject({ method: 'PUT', url: `/api/v1/products/${products[0]?.id}` });
    assert.equal(wrong.statusCode, 405);
    assert.equal(wrong.json().error.code, 'API_ERR_METHOD_NOT_ALLOWED');
    assert.match(String(wrong.headers.allow), /GET/);
  });
});

describe('probes, metrics, docs (on the ops server)', () => {
  test('ready reports every dependency; none of it on the public port', async () => {
    const res = await ops('/readyz');
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.status, 'ok', res.body);
    assert.equal(body.checks.primary, 'ok');
    assert.equal(body.checks['redis-cache'], 'ok');
    assert.equal(body.checks['redis-queue'], 'ok');
    assert.ok(
      Object.keys(body.checks).some((name) => name.startsWith('replica-')),
      res.body,
    );
    assert.equal((await ops('/livez')).statusCode, 200);
    for (const path of ['/readyz', '/livez', '/metrics', '/docs/json', '/health/ready']) {
      assert.equal((await get(path)).statusCode, 404, `public ${path}`);
    }
  });

  test('metrics expose latency by route template, cache results by class and tier, TTLs', async () => {
    await get(`/api/v1/products/${products[0]?.id}`);
    const text = (await ops('/metrics')).body;
    assert.match(
      text,
      /avelon_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/products\/:id",status_code="200"\}/,
    );
    assert.ok((metricValue(text, 'avelon_cache_lookups_total{class="product",tier="l1",result="hit"}') ?? 0) > 0);
    assert.equal(metricValue(text, 'avelon_cache_ttl_seconds{class="product"}'), defaultCacheTtlSeconds.product);
    assert.match(text, /avelon_db_queries_total\{role="replica"/);
    assert.match(text, /avelon_http_db_queries_per_request/);
  });

  test('the OpenAPI document lists every resource', async () => {
    const res = await ops('/docs/json');
    assert.equal(res.statusCode, 200);
    const paths = Object.keys(res.json().paths);
    for (const p of ['/api/v1/products/{id}', '/api/v1/cart/items', '/api/v1/orders', '/api/v1/admin/orders/{id}']) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
  });
});
