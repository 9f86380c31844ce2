// Admin writes through app.inject(): only admins (403 for customers, 401 anonymous), no mass
// assignment, constraint errors as 409/422, every write visible to the next read (cache invalidated),
// order status moves only along its lifecycle and "shipped" enqueues its email once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jobId, MAX_PRICE_CENTS } from '@avelon/core';
import {
  closeDb,
  createBrand,
  createCategory,
  createProduct,
  createUser,
  db,
  findJob,
  startApp,
  type TestApp,
  tokenFor,
  unique,
} from '../support/api.ts';

let t: TestApp;
let admin: string;
let customerToken: string;
let brandId: number;
before(async () => {
  t = await startApp();
  admin = await tokenFor(t.app, { ...(await createUser('admin')), role: 'admin' });
  customerToken = await tokenFor(t.app, { ...(await createUser()), role: 'customer' });
  brandId = (await createBrand()).id;
});
after(async () => {
  await t.close();
  await closeDb();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, token?: string, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    ...(payload ? { payload } : {}),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

test('customers get 403 and anonymous callers 401 on every admin route', async () => {
  const routes: Array<[Method, string]> = [
    ['POST', '/admin/products'],
    ['PATCH', '/admin/products/1'],
    ['DELETE', '/admin/products/1'],
    ['POST', '/admin/categories'],
    ['PATCH', '/admin/categories/1'],
    ['DELETE', '/admin/categories/1'],
    ['POST', '/admin/brands'],
    ['PATCH', '/admin/brands/1'],
    ['DELETE', '/admin/brands/1'],
    ['PATCH', '/admin/orders/1'],
  ];
  for (const [method, url] of routes) {
    const asCustomer = await call(method, url, customerToken, { title: 'x' });
    assert.equal(asCustomer.statusCode, 403, `${method} ${url}`);
    assert.equal(asCustomer.json().error.code, 'API_ERR_FORBIDDEN');
    assert.equal((await call(method, url, undefined, { title: 'x' })).statusCode, 401, `${method} ${url}`);
  }
});

describe('products', () => {
  const body = () => ({ slug: unique('adm'), title: 'Admin lamp', brandId, priceCents: 4200, stock: 3 });

  test('create → 201 with the detail; duplicate slug 409; unknown brand 422; unknown field 400', async () => {
    const b = body();
    const res = await call('POST', '/admin/products', admin, b);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().priceCents, 4200);
    assert.equal((await call('POST', '/admin/products', admin, b)).statusCode, 409);
    const badBrand = await call('POST', '/admin/products', admin, { ...body(), brandId: 900000000001 });
    assert.equal(badBrand.statusCode, 422);
    // Mass assignment: a field that is not writable is refused, not silently stored.
    const extra = await call('POST', '/admin/products', admin, { ...body(), reviewCount: 1000 });
    assert.equal(extra.statusCode, 400);
    assert.equal(extra.json().error.code, 'API_ERR_VALIDATION');
  });

  test('a price above MAX_PRICE_CENTS is a 400 on create and update, never stored', async () => {
    const tooDear = await call('POST', '/admin/products', admin, { ...body(), priceCents: MAX_PRICE_CENTS + 1 });
    assert.equal(tooDear.statusCode, 400, tooDear.body);
    assert.equal(tooDear.json().error.code, 'API_ERR_VALIDATION');
    const p = await createProduct({ brandId });
    const update = await call('PATCH', `/admin/products/${p.id}`, admin, { priceCents: MAX_PRICE_CENTS + 1 });
    assert.equal(update.statusCode, 400, update.body);
    const ok = await call('PATCH', `/admin/products/${p.id}`, admin, { priceCents: MAX_PRICE_CENTS });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  test('update is seen by the next read of the cached product and lists', async () => {
    const p = await createProduct({ brandId, priceCents: 1000 });
    const cat = await createCategory();
    assert.equal((await call('GET', `/products/${p.id}`)).json().priceCents, 1000);
    assert.equal((await call('GET', `/products?brand=${brandId}&limit=100`)).statusCode, 200);
    const res = await call('PATCH', `/admin/products/${p.id}`, admin, { priceCents: 1234, categoryIds: [cat.id] });
    assert.equal(res.statusCode, 200, res.body);
    const detail = (await call('GET', `/products/${p.id}`)).json();
    assert.equal(detail.priceCents, 1234);
    assert.deepEqual(
      detail.categories.map((c: { id: number }) => c.id),
      [cat.id],
    );
    const listed = (await call('GET', `/products?brand=${brandId}&limit=100`)).json();
    assert.equal(listed.data.find((x: { id: number }) => x.id === p.id).priceCents, 1234);
    assert.equal((await call('PATCH', `/admin/products/${p.id}`, admin, {})).statusCode, 400);
    assert.equal((await call('PATCH', '/admin/products/900000000001', admin, { title: 'x' })).statusCode, 404);
  });

  test('delete: 204 then 404; a product that was ordered is 409', async () => {
    const p = await createProduct({ brandId });
    await call('GET', `/products/${p.id}`);
    assert.equal((await call('DELETE', `/admin/products/${p.id}`, admin)).statusCode, 204);
    assert.equal((await call('GET', `/products/${p.id}`)).statusCode, 404);
    const ordered = await createProduct({ brandId });
    const u = await createUser();
    const o = await db().query<{ id: string }>(
      'INSERT INTO orders (user_id, subtotal_cents, total_cents) VALUES ($1, 100, 100) RETURNING id',
      [u.id],
    );
    await db().query(
      "INSERT INTO order_items (order_id, product_id, title, quantity, unit_price_cents) VALUES ($1, $2, 'x', 1, 100)",
      [o.rows[0]?.id, ordered.id],
    );
    const res = await call('DELETE', `/admin/products/${ordered.id}`, admin);
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'API_ERR_IN_USE');
  });
});

describe('categories and brands', () => {
  test('category create/update/delete; children of a deleted category move to the top', async () => {
    const parent = (await call('POST', '/admin/categories', admin, { slug: unique('c'), title: 'Parent' })).json();
    const child = await call('POST', '/admin/categories', admin, {
      slug: unique('c'),
      title: 'Child',
      parentId: parent.id,
    });
    assert.equal(child.statusCode, 201);
    assert.equal((await call('GET', `/categories/${parent.id}`)).json().children.length, 1);
    const missingParent = await call('POST', '/admin/categories', admin, {
      slug: unique('c'),
      title: 'x',
      parentId: 900000000001,
    });
    assert.equal(missingParent.statusCode, 422);
    assert.equal(
      (await call('PATCH', `/admin/categories/${parent.id}`, admin, { title: 'Renamed' })).json().title,
      'Renamed',
    );
    assert.equal((await call('GET', `/categories/${parent.id}`)).json().title, 'Renamed');
    assert.equal((await call('DELETE', `/admin/categories/${parent.id}`, admin)).statusCode, 204);
    assert.equal((await call('GET', `/categories/${child.json().id}`)).json().parentId, null);
  });

  test('brand rename shows in cached product details; a brand in use cannot be deleted', async () => {
    const b = (await call('POST', '/admin/brands', admin, { slug: unique('b'), title: 'Old name' })).json();
    const p = await createProduct({ brandId: b.id });
    assert.equal((await call('GET', `/products/${p.id}`)).json().brand.title, 'Old name');
    assert.equal((await call('PATCH', `/admin/brands/${b.id}`, admin, { title: 'New name' })).statusCode, 200);
    assert.equal((await call('GET', `/products/${p.id}`)).json().brand.title, 'New name');
    assert.equal((await call('GET', `/brands/${b.id}`)).json().title, 'New name');
    assert.equal((await call('DELETE', `/admin/brands/${b.id}`, admin)).statusCode, 409);
    const unused = (await call('POST', '/admin/brands', admin, { slug: unique('b'), title: 'Unused' })).json();
    assert.equal((await call('DELETE', `/admin/brands/${unused.id}`, admin)).statusCode, 204);
  });
});

describe('orders', () => {
  test('status moves along the lifecycle only; shipped enqueues the email once', async () => {
    const u = await createUser();
    const { rows } = await db().query<{ id: string }>(
      'INSERT INTO orders (user_id, subtotal_cents, total_cents) VALUES ($1, 100, 100) RETURNING id',
      [u.id],
    );
    const id = Number(rows[0]?.id);
    const patch = (status: string) => call('PATCH', `/admin/orders/${id}`, admin, { status });
    const early = await patch('shipped');
    assert.equal(early.statusCode, 409);
    assert.equal(early.json().error.code, 'API_ERR_INVALID_TRANSITION');
    assert.equal((await patch('paid')).statusCode, 200);
    const shipped = await patch('shipped');
    assert.equal(shipped.statusCode, 200);
    assert.equal(shipped.json().status, 'shipped');
    const again = await patch('shipped');
    assert.equal(again.statusCode, 200, 'setting the same status again is a no-op');
    const number = Number(shipped.json().number);
    const shippedJob = jobId('order-shipped', { orderId: id, orderNumber: number, userId: u.id, email: u.email });
    const job = await findJob('emails', shippedJob);
    assert.deepEqual(job?.data, { orderId: id, orderNumber: number, userId: u.id, email: u.email });
    const { rows: left } = await db().query('SELECT count(*)::int AS n FROM outbox WHERE job_id = $1', [shippedJob]);
    assert.equal(left[0]?.n, 0, 'enqueued right after the commit: no outbox row left');
    assert.equal((await patch('bogus')).statusCode, 400);
    assert.equal((await call('PATCH', '/admin/orders/900000000001', admin, { status: 'paid' })).statusCode, 404);
  });
});
