// Insecure direct object references: user B, signed in, goes after what user A owns — A's orders by id
// and in lists, A's cart lines by product id, A's account through extra fields and parameters, A's
// checkout through A's Idempotency-Key, A's session through logout. Every attempt is a 4xx with a code
// (someone else's order reads exactly like a missing one) and A's rows are unchanged afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  closeDb,
  createBrand,
  createProduct,
  createUser,
  db,
  startApp,
  type TestApp,
  tokenFor,
} from '../../support/api.ts';

let t: TestApp;
let a: { id: number; token: string };
let b: { id: number; token: string };
let inCart: number;
let orderId: number;
const idempotencyKey = `idor-${Date.now()}`;

type Method = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, token: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}`, ...headers },
    ...(payload ? { payload } : {}),
  });

before(async () => {
  t = await startApp();
  const signIn = async () => {
    const user = await createUser();
    return { id: user.id, token: await tokenFor(t.app, { id: user.id, role: 'customer' }) };
  };
  a = await signIn();
  b = await signIn();
  const brandId = (await createBrand()).id;
  const ordered = (await createProduct({ brandId })).id;
  inCart = (await createProduct({ brandId })).id;
  // A checks out one product (with an Idempotency-Key), then leaves another in the cart.
  assert.equal((await call('POST', '/cart/items', a.token, { productId: ordered, quantity: 2 })).statusCode, 200);
  const order = await call('POST', '/orders', a.token, undefined, { 'idempotency-key': idempotencyKey });
  assert.equal(order.statusCode, 201, order.body);
  orderId = order.json().id;
  assert.equal((await call('POST', '/cart/items', a.token, { productId: inCart, quantity: 3 })).statusCode, 200);
  await db().query("UPDATE users SET name = 'Alice' WHERE id = $1", [a.id]);
});
after(async () => {
  await t.close();
  await closeDb();
});

/** Everything of A's that B might change, straight from the primary. */
async function aRows() {
  const { rows } = await db().query(
    `SELECT u.name, u.email, u.role,
            (SELECT json_agg(json_build_object('p', ci.product_id, 'q', ci.quantity) ORDER BY ci.product_id)
               FROM carts c JOIN cart_items ci ON ci.cart_id = c.id WHERE c.user_id = u.id) AS cart,
            (SELECT json_agg(json_build_object('id', o.id, 'status', o.status, 'user', o.user_id) ORDER BY o.id)
               FROM orders o WHERE o.user_id = u.id) AS orders
     FROM users u WHERE u.id = $1`,
    [a.id],
  );
  return rows[0];
}

test('B cannot read A’s order: 404 like a missing one, and A’s orders are in none of B’s lists', async () => {
  const theirs = await call('GET', `/orders/${orderId}`, b.token);
  const missing = await call('GET', `/orders/${Number.MAX_SAFE_INTEGER}`, b.token);
  assert.equal(theirs.statusCode, 404);
  assert.equal(theirs.json().error.code, 'API_ERR_NOT_FOUND');
  assert.deepEqual(theirs.json(), missing.json(), 'no oracle: someone else’s order reads as absent');
  assert.equal((await call('HEAD', `/orders/${orderId}`, b.token)).statusCode, 404);
  const list = await call('GET', '/orders?limit=100', b.token);
  assert.equal(list.statusCode, 200);
  assert.deepEqual(list.json().data, []);
  assert.equal(list.json().meta.total, 0);
  // The owner does see it: the 404 above is about who asks.
  assert.equal((await call('GET', `/orders/${orderId}`, a.token)).statusCode, 200);
});

test('extra parameters naming A are refused, not obeyed', async () => {
  for (const url of [`/orders?userId=${a.id}`, `/orders?user_id=${a.id}`, `/orders?limit=5&userId=${a.id}`]) {
    const res = await call('GET', url, b.token);
    assert.equal(res.statusCode, 400, url);
    assert.equal(res.json().error.code, 'API_ERR_VALIDATION', url);
  }
  // /users/me reads no parameters: one naming A changes nothing about whose account it is.
  const me = await call('GET', `/users/me?id=${a.id}&userId=${a.id}`, b.token);
  assert.equal(me.statusCode, 200, me.body);
  assert.equal(me.json().id, b.id);
});

test('B cannot change or remove A’s cart lines, nor see them', async () => {
  const before = await aRows();
  const patch = await call('PATCH', `/cart/items/${inCart}`, b.token, { quantity: 99 });
  assert.equal(patch.statusCode, 404);
  assert.equal(patch.json().error.code, 'API_ERR_NOT_FOUND');
  const del = await call('DELETE', `/cart/items/${inCart}`, b.token);
  assert.equal(del.statusCode, 404);
  assert.equal(del.json().error.code, 'API_ERR_NOT_FOUND');
  // Naming A in the body of B's cart write is refused (no mass assignment of the owner).
  for (const extra of [{ userId: a.id }, { cartId: 1 }, { user_id: a.id }]) {
    const res = await call('POST', '/cart/items', b.token, { productId: inCart, ...extra });
    assert.equal(res.statusCode, 400, JSON.stringify(extra));
    assert.equal(res.json().error.code, 'API_ERR_VALIDATION');
  }
  const cart = await call('GET', '/cart', b.token);
  assert.deepEqual(cart.json().items, []);
  assert.deepEqual(await aRows(), before);
});

test('B cannot rename A or take A’s email or role through /users/me', async () => {
  const before = await aRows();
  for (const body of [{ name: 'Mallory', id: a.id }, { name: 'Mallory', email: 'x@y.z' }, { role: 'admin' }]) {
    const res = await call('PATCH', '/users/me', b.token, body);
    assert.equal(res.statusCode, 400, JSON.stringify(body));
    assert.equal(res.json().error.code, 'API_ERR_VALIDATION');
  }
  assert.deepEqual(await aRows(), before);
  const { rows } = await db().query('SELECT name, role FROM users WHERE id = $1', [b.id]);
  assert.deepEqual(rows[0], { name: null, role: 'customer' }, 'B’s own row is untouched too');
});

test('A’s Idempotency-Key does not hand A’s order to B', async () => {
  const res = await call('POST', '/orders', b.token, undefined, { 'idempotency-key': idempotencyKey });
  // B's cart is empty: a key shared across users would have replayed A's order (200) instead.
  assert.equal(res.statusCode, 409, res.body);
  assert.equal(res.json().error.code, 'API_ERR_CART_EMPTY');
  assert.equal(res.headers['idempotent-replayed'], undefined);
});

test('B cannot change A’s order through the admin route, nor end A’s sessions', async () => {
  const before = await aRows();
  const res = await call('PATCH', `/admin/orders/${orderId}`, b.token, { status: 'cancelled' });
  assert.equal(res.statusCode, 403);
  assert.equal(res.json().error.code, 'API_ERR_FORBIDDEN');
  assert.equal((await call('POST', '/auth/logout-all', b.token)).statusCode, 204);
  assert.equal((await call('GET', '/users/me', a.token)).statusCode, 200, 'A is still signed in');
  assert.deepEqual(await aRows(), before);
});
