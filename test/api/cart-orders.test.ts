// Cart and checkout through app.inject(): users only ever see their own cart and orders; checkout
// takes stock with a conditional UPDATE in one transaction (never oversold, all-or-nothing), honours
// Idempotency-Key, enqueues the confirmation once, and invalidates the cached product.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jobId, MAX_PRICE_CENTS } from '@avelon/core';
import {
  closeDb,
  createBrand,
  createProduct,
  createUser,
  db,
  findJob,
  replicaCaughtUp,
  startApp,
  type TestApp,
  tokenFor,
} from '../support/api.ts';

let t: TestApp;
let brandId: number;
before(async () => {
  t = await startApp();
  brandId = (await createBrand()).id;
});
after(async () => {
  await t.close();
  await closeDb();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, token: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    ...(payload ? { payload } : {}),
    headers: { authorization: `Bearer ${token}`, ...headers },
  });

async function customer() {
  const user = await createUser();
  return { ...user, token: await tokenFor(t.app, { id: user.id, role: 'customer' }) };
}

const outboxRows = async (jobIdOf: string) =>
  Number((await db().query('SELECT count(*)::int AS n FROM outbox WHERE job_id = $1', [jobIdOf])).rows[0]?.n);

const stockOf = async (id: number) =>
  Number((await db().query('SELECT stock FROM products WHERE id = $1', [id])).rows[0]?.stock);

describe('cart', () => {
  test('add, change, remove; totals from current prices', async () => {
    const u = await customer();
    const p = await createProduct({ brandId, priceCents: 1999 });
    let res = await call('POST', '/cart/items', u.token, { productId: p.id, quantity: 2 });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().totalCents, 3998);
    res = await call('POST', '/cart/items', u.token, { productId: p.id });
    assert.equal(res.json().items[0].quantity, 3);
    res = await call('PATCH', `/cart/items/${p.id}`, u.token, { quantity: 1 });
    assert.equal(res.json().itemCount, 1);
    assert.equal((await call('GET', '/cart', u.token)).json().totalCents, 1999);
    res = await call('DELETE', `/cart/items/${p.id}`, u.token);
    assert.deepEqual(res.json().items, []);
    assert.equal((await call('DELETE', `/cart/items/${p.id}`, u.token)).statusCode, 404);
  });

  test('a product that does not exist or is not for sale cannot be added (422); bad bodies are 400', async () => {
    const u = await customer();
    const hidden = await createProduct({ brandId, isAvailable: false });
    for (const productId of [hidden.id, 900000000001]) {
      const res = await call('POST', '/cart/items', u.token, { productId });
      assert.equal(res.statusCode, 422);
      assert.equal(res.json().error.code, 'API_ERR_UNPROCESSABLE');
    }
    for (const body of [
      { productId: 1, quantity: 0 },
      { productId: 1, quantity: 100 },
      { productId: 1, price: 1 },
    ]) {
      assert.equal((await call('POST', '/cart/items', u.token, body)).statusCode, 400, JSON.stringify(body));
    }
  });

  test("a user never sees or changes another user's cart", async () => {
    const a = await customer();
    const b = await customer();
    const p = await createProduct({ brandId });
    await call('POST', '/cart/items', a.token, { productId: p.id, quantity: 2 });
    assert.deepEqual((await call('GET', '/cart', b.token)).json().items, []);
    assert.equal((await call('PATCH', `/cart/items/${p.id}`, b.token, { quantity: 5 })).statusCode, 404);
    assert.equal((await call('DELETE', `/cart/items/${p.id}`, b.token)).statusCode, 404);
    assert.equal((await call('GET', '/cart', a.token)).json().items[0].quantity, 2);
  });

  test('anonymous requests are 401', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/cart' });
    assert.equal(res.statusCode, 401);
  });
});

describe('checkout', () => {
  test('creates the order, takes the stock, empties the cart, enqueues the confirmation, refreshes the product', async () => {
    const u = await customer();
    const p = await createProduct({ brandId, priceCents: 2500, stock: 7 });
    const before = await t.app.inject({ method: 'GET', url: `/api/v1/products/${p.id}` });
    assert.equal(before.json().stock, 7);
    await call('POST', '/cart/items', u.token, { productId: p.id, quantity: 3 });
    const res = await call('POST', '/orders', u.token);
    assert.equal(res.statusCode, 201, res.body);
    const order = res.json();
    assert.equal(order.totalCents, 7500);
    assert.equal(order.status, 'pending');
    assert.deepEqual(
      order.items.map((i: { productId: number; quantity: number }) => [i.productId, i.quantity]),
      [[p.id, 3]],
    );
    assert.equal(await stockOf(p.id), 4);
    assert.deepEqual((await call('GET', '/cart', u.token)).json().items, []);
    const id = jobId('order-confirmation', {
      orderId: order.id,
      orderNumber: order.number,
      userId: u.id,
      email: u.email,
    });
    const job = await findJob('emails', id);
    assert.deepEqual(job?.data, { orderId: order.id, orderNumber: order.number, userId: u.id, email: u.email });
    assert.ok(order.number > 0 && order.number !== order.id, 'the mail carries the order number, not the id');
    assert.equal(await outboxRows(id), 0, 'enqueued at once: no outbox row left');
    const after = await t.app.inject({ method: 'GET', url: `/api/v1/products/${p.id}` });
    assert.equal(after.json().stock, 4, 'the cached product was invalidated');
    assert.equal((await call('POST', '/orders', u.token)).json().error.code, 'API_ERR_CART_EMPTY');
  });

  test('a retried checkout with the same Idempotency-Key returns the first order and creates no other', async () => {
    const u = await customer();
    const p = await createProduct({ brandId, stock: 5 });
    await call('POST', '/cart/items', u.token, { productId: p.id, quantity: 1 });
    const key = { 'idempotency-key': `key-${u.id}-checkout` };
    const [first, second] = await Promise.all([
      call('POST', '/orders', u.token, undefined, key),
      call('POST', '/orders', u.token, undefined, key),
    ]);
    const statuses = [first?.statusCode, second?.statusCode].sort();
    assert.deepEqual(statuses, [200, 201], `${first?.body} ${second?.body}`);
    assert.equal(first?.json().id, second?.json().id);
    const third = await call('POST', '/orders', u.token, undefined, key);
    assert.equal(third.statusCode, 200);
    assert.equal(third.headers['idempotent-replayed'], 'true');
    const { rows } = await db().query('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [u.id]);
    assert.equal(rows[0]?.n, 1);
    assert.equal(await stockOf(p.id), 4);
  });

  test('8 concurrent checkouts of one cart, without a key: one order, the cart consumed once, stock taken once', async () => {
    const u = await customer();
    const p = await createProduct({ brandId, stock: 20 });
    await call('POST', '/cart/items', u.token, { productId: p.id, quantity: 1 });
    const results = await Promise.all(Array.from({ length: 8 }, () => call('POST', '/orders', u.token)));
    const created = results.filter((r) => r.statusCode === 201);
    const refused = results.filter((r) => r.statusCode === 409);
    assert.equal(created.length, 1, results.map((r) => r.statusCode).join(','));
    assert.equal(refused.length, 7);
    assert.ok(refused.every((r) => r.json().error.code === 'API_ERR_CART_EMPTY'));
    const { rows } = await db().query('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [u.id]);
    assert.equal(rows[0]?.n, 1);
    assert.equal(await stockOf(p.id), 19);
  });

  test('8 concurrent checkouts of one cart with one Idempotency-Key: one order, seven replays of it', async () => {
    const u = await customer();
    const p = await createProduct({ brandId, stock: 20 });
    await call('POST', '/cart/items', u.token, { productId: p.id, quantity: 1 });
    const key = { 'idempotency-key': `key-${u.id}-burst` };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => call('POST', '/orders', u.token, undefined, key)),
    );
    assert.deepEqual(
      results.map((r) => r.statusCode).sort(),
      [200, 200, 200, 200, 200, 200, 200, 201],
      results.map((r) => r.body).join('\n'),
    );
    assert.equal(new Set(results.map((r) => r.json().id)).size, 1);
    assert.equal(await stockOf(p.id), 19);
  });

  test('the largest price and quantity: cart and checkout compute in 64 bits, the order keeps the exact total', async () => {
    const u = await customer();
    // MAX_PRICE_CENTS ($1,000,000.00) × 99: far past a 32-bit integer, within the platform's limits.
    const p = await createProduct({ brandId, priceCents: MAX_PRICE_CENTS, stock: 200 });
    await db().query('UPDATE products SET discount_percent = 10 WHERE id = $1', [p.id]);
    await replicaCaughtUp();
    const cart = await call('POST', '/cart/items', u.token, { productId: p.id, quantity: 99 });
    assert.equal(cart.statusCode, 200, cart.body);
    assert.equal(cart.json().totalCents, 90_000_000 * 99);
    const order = await call('POST', '/orders', u.token);
    assert.equal(order.statusCode, 201, order.body);
    assert.equal(order.json().totalCents, 90_000_000 * 99);
    const stored = await db().query('SELECT total_cents::text AS t FROM orders WHERE id = $1', [order.json().id]);
    assert.equal(stored.rows[0]?.t, String(90_000_000 * 99));
    const fetched = await call('GET', `/orders/${order.json().id}`, u.token);
    assert.equal(fetched.json().items[0].lineTotalCents, 90_000_000 * 99);
  });

  test('the database refuses a price above MAX_PRICE_CENTS', async () => {
    await assert.rejects(createProduct({ brandId, priceCents: MAX_PRICE_CENTS + 1 }), /check constraint/);
  });

  test('one short line fails the whole checkout with 409 and takes nothing', async () => {
    const u = await customer();
    const plenty = await createProduct({ brandId, stock: 10 });
    const scarce = await createProduct({ brandId, stock: 1 });
    await call('POST', '/cart/items', u.token, { productId: plenty.id, quantity: 2 });
    await call('POST', '/cart/items', u.token, { productId: scarce.id, quantity: 2 });
    const res = await call('POST', '/orders', u.token);
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'API_ERR_OUT_OF_STOCK');
    assert.deepEqual(res.json().error.details.productIds, [scarce.id]);
    assert.equal(await stockOf(plenty.id), 10);
    assert.equal(await stockOf(scarce.id), 1);
  });

  test('50 concurrent checkouts of a product with 10 in stock: exactly 10 orders, stock 0, 40 clear 409s', async () => {
    const p = await createProduct({ brandId, stock: 10 });
    const buyers = await Promise.all(Array.from({ length: 50 }, () => customer()));
    for (const b of buyers) {
      assert.equal((await call('POST', '/cart/items', b.token, { productId: p.id, quantity: 1 })).statusCode, 200);
    }
    const results = await Promise.all(buyers.map((b) => call('POST', '/orders', b.token)));
    const created = results.filter((r) => r.statusCode === 201);
    const refused = results.filter((r) => r.statusCode === 409);
    assert.equal(created.length, 10);
    assert.equal(refused.length, 40);
    assert.ok(refused.every((r) => r.json().error.code === 'API_ERR_OUT_OF_STOCK'));
    assert.equal(await stockOf(p.id), 0);
    const { rows } = await db().query(
      'SELECT coalesce(sum(quantity), 0)::int AS n FROM order_items WHERE product_id = $1',
      [p.id],
    );
    assert.equal(rows[0]?.n, 10);
  });
});

describe('orders', () => {
  test('lists and shows only the user’s own orders; someone else’s is a 404', async () => {
    const a = await customer();
    const b = await customer();
    const p = await createProduct({ brandId, stock: 10 });
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      await call('POST', '/cart/items', a.token, { productId: p.id });
      ids.push((await call('POST', '/orders', a.token)).json().id);
    }
    const list = (await call('GET', '/orders?limit=1', a.token)).json();
    assert.equal(list.meta.total, 2);
    assert.deepEqual(
      list.data.map((o: { id: number }) => o.id),
      [ids[1]],
    );
    assert.equal((await call('GET', '/orders?page=2&limit=1', a.token)).json().data[0].id, ids[0]);
    const own = await call('GET', `/orders/${ids[0]}`, a.token);
    assert.equal(own.statusCode, 200);
    assert.equal(own.json().items.length, 1);
    const other = await call('GET', `/orders/${ids[0]}`, b.token);
    assert.equal(other.statusCode, 404);
    assert.equal((await call('GET', '/orders', b.token)).json().meta.total, 0);
  });
});
