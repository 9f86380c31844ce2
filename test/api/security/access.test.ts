// Who may call what, over the whole route table as Fastify built it (test/support/route-table.ts), so
// a route added later is checked without a change here: every route is admin-only unless listed below
// as public or as any signed-in user's. Customers get 403 and anonymous callers 401, each with its code,
// and the rows the admin routes point at are unchanged afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  closeDb,
  createBrand,
  createCategory,
  createProduct,
  createUser,
  db,
  type TestApp,
  tokenFor,
} from '../../support/api.ts';
import { fillParams, type RouteEntry, routeKey, startAppWithRoutes } from '../../support/route-table.ts';

// Anyone may call these (HEAD goes with GET). A new public route must be added here on purpose.
const publicRoutes = new Set([
  'GET /api/v1/products',
  'GET /api/v1/products/:id',
  'GET /api/v1/categories',
  'GET /api/v1/categories/:id',
  'GET /api/v1/brands',
  'GET /api/v1/brands/:id',
  'POST /api/v1/auth/otp',
  'POST /api/v1/auth/verify',
]);
// Any signed-in user, on their own data only (test/api/security/idor.test.ts).
const userRoutes = new Set([
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/logout-all',
  'GET /api/v1/users/me',
  'PATCH /api/v1/users/me',
  'GET /api/v1/cart',
  'POST /api/v1/cart/items',
  'PATCH /api/v1/cart/items/:productId',
  'DELETE /api/v1/cart/items/:productId',
  'POST /api/v1/orders',
  'GET /api/v1/orders',
  'GET /api/v1/orders/:id',
]);
// Operations (probes, metrics, the API description): served through the ops port, not judged here.
const opsPath = /^\/(health|metrics|docs|livez|readyz)(\/|$)/;

let t: TestApp & { routes: RouteEntry[] };
let customer: string;
const ids: Record<string, number> = {};
before(async () => {
  t = await startAppWithRoutes();
  customer = await tokenFor(t.app, { ...(await createUser()), role: 'customer' });
  const owner = await createUser();
  ids.brands = (await createBrand()).id;
  ids.categories = (await createCategory()).id;
  ids.products = (await createProduct({ brandId: ids.brands, categoryIds: [ids.categories] })).id;
  const { rows } = await db().query<{ id: string }>(
    `INSERT INTO orders (user_id, subtotal_cents, discount_cents, total_cents, currency)
     VALUES ($1, 100, 0, 100, 'USD') RETURNING id`,
    [owner.id],
  );
  ids.orders = Number(rows[0]?.id);
});
after(async () => {
  await t.close();
  await closeDb();
});

const key = routeKey;
const fill = (url: string) => fillParams(url, ids, ids.products);

/** The admin-target rows, to prove that refused calls changed nothing. */
async function snapshot() {
  const { rows } = await db().query(
    `SELECT (SELECT row_to_json(p) FROM products p WHERE id = $1) AS product,
            (SELECT row_to_json(c) FROM categories c WHERE id = $2) AS category,
            (SELECT row_to_json(b) FROM brands b WHERE id = $3) AS brand,
            (SELECT row_to_json(o) FROM orders o WHERE id = $4) AS "order"`,
    [ids.products, ids.categories, ids.brands, ids.orders],
  );
  return rows[0];
}

function adminRoutes(): RouteEntry[] {
  return t.routes.filter((r) => !opsPath.test(r.url) && !publicRoutes.has(key(r)) && !userRoutes.has(key(r)));
}

test('the route table was read, and every listed route still exists', () => {
  const seen = new Set(t.routes.map(key));
  for (const listed of [...publicRoutes, ...userRoutes]) assert.ok(seen.has(listed), `${listed} is not registered`);
  const admin = adminRoutes().map(key);
  // The admin writes known when this test was written; more may come, none may go unguarded.
  for (const known of [
    'POST /api/v1/admin/products',
    'DELETE /api/v1/admin/brands/:id',
    'PATCH /api/v1/admin/orders/:id',
  ]) {
    assert.ok(admin.includes(known), `${known} is not among the admin routes: ${admin.join(', ')}`);
  }
});

test('a customer gets 403 API_ERR_FORBIDDEN on every admin route, and nothing changes', async (context) => {
  const before = await snapshot();
  const failures: string[] = [];
  context.diagnostic(`admin routes: ${adminRoutes().map(key).join(', ')}`);
  for (const route of adminRoutes()) {
    const res = await t.app.inject({
      method: route.method as 'POST',
      url: fill(route.url),
      headers: { authorization: `Bearer ${customer}` },
      // A body that would do something if the guard were missing.
      ...(['POST', 'PATCH', 'PUT'].includes(route.method)
        ? { payload: { title: 'pwned', status: 'cancelled', stock: 0, priceCents: 1 } }
        : {}),
    });
    const code = route.method === 'HEAD' ? 'API_ERR_FORBIDDEN' : res.json()?.error?.code;
    if (res.statusCode !== 403 || code !== 'API_ERR_FORBIDDEN') {
      failures.push(`${route.method} ${route.url}: ${res.statusCode} ${res.body.slice(0, 100)}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(await snapshot(), before, 'the rows behind the admin routes are unchanged');
});

test('anonymous callers get 401 API_ERR_UNAUTHENTICATED on every admin and user route', async () => {
  const failures: string[] = [];
  const guarded = t.routes.filter((r) => !opsPath.test(r.url) && !publicRoutes.has(key(r)));
  assert.ok(guarded.length >= userRoutes.size + 3, `only ${guarded.length} guarded routes`);
  for (const route of guarded) {
    const res = await t.app.inject({ method: route.method as 'GET', url: fill(route.url) });
    const code = route.method === 'HEAD' ? 'API_ERR_UNAUTHENTICATED' : res.json()?.error?.code;
    if (res.statusCode !== 401 || code !== 'API_ERR_UNAUTHENTICATED') {
      failures.push(`${route.method} ${route.url}: ${res.statusCode} ${res.body.slice(0, 100)}`);
    }
  }
  assert.deepEqual(failures, []);
});
