// Proves (issue 10, "Stock is not conserved"): whatever runs at once — checkouts, relative admin
// adjustments, cancels, ships — `stock + units sold` stays exactly what the admin put in. A cancel puts
// an order's stock back once however many race; a stale If-Match (412), a missing one on an absolute
// stock (428) and a delta below zero (409) change nothing; and after every write the next read of the
// cached product shows the new stock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  closeDb,
  createBrand,
  createProduct,
  createUser,
  db,
  startApp,
  type TestApp,
  tokenFor,
} from '../support/api.ts';

let t: TestApp;
let admin: string;
let brandId: number;
before(async () => {
  t = await startApp();
  admin = await tokenFor(t.app, { ...(await createUser('admin')), role: 'admin' });
  brandId = (await createBrand()).id;
});
after(async () => {
  await t.close();
  await closeDb();
});

type Method = 'GET' | 'POST' | 'PATCH';
const call = (method: Method, url: string, token?: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    ...(payload ? { payload } : {}),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });

const adjust = (id: number, delta: number, headers: Record<string, string> = {}) =>
  call('PATCH', `/admin/products/${id}/stock`, admin, { delta }, headers);
const setStatus = (orderId: number, status: string) => call('PATCH', `/admin/orders/${orderId}`, admin, { status });
/** The public, cached product: what shoppers (and an admin's next read) see. */
const shown = async (id: number) => {
  const res = await call('GET', `/products/${id}`);
  assert.equal(res.statusCode, 200, res.body);
  return { stock: Number(res.json().stock), title: String(res.json().title), etag: String(res.headers.etag) };
};
const stockOf = async (id: number) =>
  Number((await db().query('SELECT stock FROM products WHERE id = $1', [id])).rows[0]?.stock);
/** Units of the product in orders that are not cancelled: taken by checkout and not given back. */
const soldOf = async (id: number) =>
  Number(
    (
      await db().query(
        `SELECT coalesce(sum(oi.quantity), 0)::int AS n FROM order_items oi JOIN orders o ON o.id = oi.order_id
         WHERE oi.product_id = $1 AND o.status <> 'cancelled'`,
        [id],
      )
    ).rows[0]?.n,
  );

/** A signed-in customer with `quantity` of each product in the cart. */
async function buyer(lines: Array<[productId: number, quantity: number]>) {
  const user = await createUser();
  const token = await tokenFor(t.app, { id: user.id, role: 'customer' });
  for (const [productId, quantity] of lines) {
    const res = await call('POST', '/cart/items', token, { productId, quantity });
    assert.equal(res.statusCode, 200, res.body);
  }
  return { ...user, token };
}

async function checkout(token: string) {
  const res = await call('POST', '/orders', token);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: number; status: string };
}

/** Starts the tasks at once, interleaved (an adjustment between two checkouts, and so on). */
function interleaved<T>(...groups: Array<Array<() => Promise<T>>>): Promise<T[]> {
  const tasks: Array<() => Promise<T>> = [];
  for (let i = 0; groups.some((g) => i < g.length); i++) {
    for (const g of groups) {
      const task = g[i];
      if (task) tasks.push(task);
    }
  }
  return Promise.all(tasks.map((task) => task()));
}

describe('conservation under concurrency', () => {
  test('checkouts, relative adjustments and cancels at once: stock + sold = initial + applied deltas, exactly', async () => {
    const INITIAL = 20;
    const p = await createProduct({ brandId, stock: INITIAL });
    assert.equal((await shown(p.id)).stock, INITIAL, 'cached before the burst');
    let applied = 0;
    let adjusted = 0;
    const orders: number[] = [];
    const adjustments = (deltas: number[]) =>
      deltas.map((delta) => async () => {
        const res = await adjust(p.id, delta);
        if (res.statusCode === 200) {
          applied += delta;
          adjusted++;
        } else assert.equal(res.json().error.code, 'API_ERR_STOCK_BELOW_ZERO', res.body);
      });
    const checkouts = (buyers: Array<{ token: string }>) =>
      buyers.map((b) => async () => {
        const res = await call('POST', '/orders', b.token);
        if (res.statusCode === 201) orders.push(res.json().id);
        else assert.equal(res.json().error.code, 'API_ERR_OUT_OF_STOCK', res.body);
      });

    // Round 1: demand (24 × 2) far above the stock, deltas both ways.
    const first = await Promise.all(Array.from({ length: 24 }, () => buyer([[p.id, 2]])));
    await interleaved(checkouts(first), adjustments([5, -7, 3, -4, 6, -9, 2, -1, 8, -6]));
    assert.ok(orders.length > 0 && adjusted > 0, 'some checkouts and some adjustments went through');
    assert.ok((await stockOf(p.id)) >= 0);
    assert.equal((await stockOf(p.id)) + (await soldOf(p.id)), INITIAL + applied, 'after checkouts and adjustments');
    assert.equal((await shown(p.id)).stock, await stockOf(p.id), 'the cached product shows the stock at once');

    // Round 2: half the orders cancelled while more checkouts and adjustments run.
    const second = await Promise.all(Array.from({ length: 8 }, () => buyer([[p.id, 1]])));
    const cancels = orders.slice(0, Math.ceil(orders.length / 2)).map((id) => async () => {
      const res = await setStatus(id, 'cancelled');
      assert.equal(res.statusCode, 200, res.body);
    });
    await interleaved(cancels, checkouts(second), adjustments([4, -3, -2, 1, -5]));
    assert.ok((await stockOf(p.id)) >= 0);
    assert.equal((await stockOf(p.id)) + (await soldOf(p.id)), INITIAL + applied, 'after cancels as well');
    assert.equal((await shown(p.id)).stock, await stockOf(p.id));
  });

  test('8 concurrent cancels of one order put its stock back once, on every line', async () => {
    const a = await createProduct({ brandId, stock: 10 });
    const b = await createProduct({ brandId, stock: 6 });
    for (const [i, from] of ['pending', 'paid'].entries()) {
      const u = await buyer([
        [a.id, 3],
        [b.id, 2],
      ]);
      const order = await checkout(u.token);
      if (from === 'paid') assert.equal((await setStatus(order.id, 'paid')).statusCode, 200);
      assert.deepEqual([await stockOf(a.id), await stockOf(b.id)], [7, 4], `round ${i}: taken`);
      assert.equal((await shown(a.id)).stock, 7);
      const results = await Promise.all(Array.from({ length: 8 }, () => setStatus(order.id, 'cancelled')));
      // One moves it, the others find it cancelled already: a no-op 200 each.
      assert.deepEqual(
        results.map((r) => [r.statusCode, r.json().status]),
        Array.from({ length: 8 }, () => [200, 'cancelled']),
      );
      assert.deepEqual([await stockOf(a.id), await stockOf(b.id)], [10, 6], `cancelled from ${from}: back once`);
      assert.deepEqual([(await shown(a.id)).stock, (await shown(b.id)).stock], [10, 6], 'and shown at once');
      const again = await setStatus(order.id, 'cancelled');
      assert.equal(again.statusCode, 200);
      assert.equal(await stockOf(a.id), 10, 'a later retry puts nothing back');
      assert.equal((await setStatus(order.id, 'paid')).json().error.code, 'API_ERR_INVALID_TRANSITION');
    }
  });

  test('cancel racing ship: exactly one wins; the stock comes back only if the cancel did', async () => {
    const p = await createProduct({ brandId, stock: 5 });
    const u = await buyer([[p.id, 2]]);
    const order = await checkout(u.token);
    assert.equal((await setStatus(order.id, 'paid')).statusCode, 200);
    const attempt = (status: string) => async () => ({ status, res: await setStatus(order.id, status) });
    const results = await interleaved(
      Array.from({ length: 4 }, () => attempt('cancelled')),
      Array.from({ length: 4 }, () => attempt('shipped')),
    );
    const final = (await db().query('SELECT status FROM orders WHERE id = $1', [order.id])).rows[0]?.status;
    assert.ok(final === 'cancelled' || final === 'shipped', String(final));
    for (const { status, res } of results) {
      // The winner's kind all answer 200 (the move, then no-ops); the other kind cannot leave that status.
      if (status === final) assert.equal(res.statusCode, 200, res.body);
      else assert.equal(res.json().error.code, 'API_ERR_INVALID_TRANSITION', `${status}: ${res.body}`);
    }
    assert.equal(await stockOf(p.id), final === 'cancelled' ? 5 : 3);
    assert.equal((await stockOf(p.id)) + (await soldOf(p.id)), 5);
    assert.equal((await shown(p.id)).stock, await stockOf(p.id));
  });

  test('a shipped order cannot be cancelled, and its stock stays sold', async () => {
    const p = await createProduct({ brandId, stock: 4 });
    const order = await checkout((await buyer([[p.id, 1]])).token);
    for (const status of ['paid', 'shipped']) assert.equal((await setStatus(order.id, status)).statusCode, 200);
    const res = await setStatus(order.id, 'cancelled');
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'API_ERR_INVALID_TRANSITION');
    assert.equal(await stockOf(p.id), 3);
  });
});

describe('conditional and relative stock writes', () => {
  test('a stale If-Match is a 412 that changes nothing; the current ETag writes, and the next GET shows it', async () => {
    const p = await createProduct({ brandId, stock: 10, title: 'Lamp' });
    const read = await shown(p.id);
    assert.match(read.etag, /^"[^"]+"$/);
    // A checkout after the admin's read: writing the stock they saw would put the sold unit back.
    await checkout((await buyer([[p.id, 1]])).token);
    const stale = { 'if-match': read.etag };
    for (const [what, res] of [
      ['absolute stock', await call('PATCH', `/admin/products/${p.id}`, admin, { stock: 50 }, stale)],
      ['title', await call('PATCH', `/admin/products/${p.id}`, admin, { title: 'Renamed' }, stale)],
      ['delta', await adjust(p.id, 5, stale)],
      ['weak tag', await adjust(p.id, 5, { 'if-match': `W/${(await shown(p.id)).etag}` })],
    ] as const) {
      assert.equal(res.statusCode, 412, `${what}: ${res.body}`);
      assert.equal(res.json().error.code, 'API_ERR_PRECONDITION_FAILED', what);
    }
    const required = await call('PATCH', `/admin/products/${p.id}`, admin, { stock: 50 });
    assert.equal(required.statusCode, 428, 'an absolute stock without If-Match is refused');
    assert.equal(required.json().error.code, 'API_ERR_PRECONDITION_REQUIRED');
    const malformed = await call('PATCH', `/admin/products/${p.id}`, admin, { stock: 50 }, { 'if-match': 'abc' });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error.code, 'API_ERR_VALIDATION');
    assert.equal(await stockOf(p.id), 9, 'nothing changed');
    const now = await shown(p.id);
    assert.deepEqual([now.stock, now.title], [9, 'Lamp']);
    assert.notEqual(now.etag, read.etag, 'the checkout changed the ETag');

    const written = await call('PATCH', `/admin/products/${p.id}`, admin, { stock: 50 }, { 'if-match': now.etag });
    assert.equal(written.statusCode, 200, written.body);
    assert.equal(written.json().stock, 50);
    const after = await shown(p.id);
    assert.equal(after.stock, 50, 'read-your-writes: the cached product shows it at once');
    assert.equal(written.headers.etag, after.etag, 'the write answers with the ETag the next GET gives');
    // Chaining on the write's own ETag; a list of tags and `*` match too.
    const renamed = await call(
      'PATCH',
      `/admin/products/${p.id}`,
      admin,
      { title: 'Lamp 2' },
      {
        'if-match': `"nope", ${String(written.headers.etag)}`,
      },
    );
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal((await shown(p.id)).title, 'Lamp 2');
    assert.equal((await adjust(p.id, -1, { 'if-match': String(written.headers.etag) })).statusCode, 412);
    assert.equal((await adjust(p.id, -1, { 'if-match': '*' })).statusCode, 200);
    assert.equal((await shown(p.id)).stock, 49);
    // Fields other than stock are still accepted without If-Match (they undo no checkout).
    assert.equal((await call('PATCH', `/admin/products/${p.id}`, admin, { title: 'Lamp 3' })).statusCode, 200);
  });

  test('a delta below zero is a 409 that changes nothing; one that reaches zero writes and shows at once', async () => {
    const p = await createProduct({ brandId, stock: 2 });
    assert.equal((await shown(p.id)).stock, 2);
    const below = await adjust(p.id, -3);
    assert.equal(below.statusCode, 409, below.body);
    assert.equal(below.json().error.code, 'API_ERR_STOCK_BELOW_ZERO');
    assert.deepEqual(below.json().error.details, { stock: 2, delta: -3 });
    assert.equal(await stockOf(p.id), 2);
    assert.equal((await shown(p.id)).stock, 2);

    const zero = await adjust(p.id, -2);
    assert.equal(zero.statusCode, 200, zero.body);
    assert.equal(zero.json().stock, 0);
    assert.equal((await shown(p.id)).stock, 0, 'read-your-writes');
    const received = await adjust(p.id, 7);
    assert.equal(received.json().stock, 7);
    assert.equal((await shown(p.id)).stock, 7);
    assert.equal(received.headers.etag, (await shown(p.id)).etag);

    // The column's range: past it is a 422, not an integer overflow (500).
    const full = await adjust(p.id, 2_147_483_647);
    assert.equal(full.statusCode, 422, full.body);
    assert.equal(full.json().error.code, 'API_ERR_UNPROCESSABLE');
    assert.equal(await stockOf(p.id), 7);
  });

  test('bad adjustments are 400, a missing product 404, customers 403, anonymous 401', async () => {
    const p = await createProduct({ brandId, stock: 5 });
    for (const body of [{}, { delta: 1.5 }, { delta: 'one' }, { delta: 1, stock: 3 }, { delta: 2_147_483_648 }]) {
      const res = await call('PATCH', `/admin/products/${p.id}/stock`, admin, body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(res.json().error.code, 'API_ERR_VALIDATION');
    }
    assert.equal((await adjust(900000000001, 1)).statusCode, 404);
    const customer = await tokenFor(t.app, { ...(await createUser()), role: 'customer' });
    assert.equal((await call('PATCH', `/admin/products/${p.id}/stock`, customer, { delta: 1 })).statusCode, 403);
    assert.equal((await call('PATCH', `/admin/products/${p.id}/stock`, undefined, { delta: 1 })).statusCode, 401);
    assert.equal(await stockOf(p.id), 5);
  });
});
