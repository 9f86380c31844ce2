// Hostile request bodies and headers on every route that takes a body (from the route table, so new
// ones are swept too): oversized (413), not JSON (415), nested tens of thousands deep, prototype
// poisoning; each answered with a 4xx and a code, never a 5xx, and nothing stored. Over a real socket:
// a chunked body with no length that grows past the limit, and headers past Node's limit.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  type ApiProcess,
  closeDb,
  createBrand,
  createCategory,
  createProduct,
  createUser,
  db,
  spawnApi,
  tokenFor,
} from '../../support/api.ts';
import { fillParams, type RouteEntry, startAppWithRoutes } from '../../support/route-table.ts';

let t: Awaited<ReturnType<typeof startAppWithRoutes>>;
let admin: { id: number; role: 'admin' };
let bodyRoutes: RouteEntry[];
const ids: Record<string, number> = {};
before(async () => {
  t = await startAppWithRoutes();
  admin = { id: (await createUser('admin')).id, role: 'admin' };
  ids.brands = (await createBrand()).id;
  ids.categories = (await createCategory()).id;
  ids.products = (await createProduct({ brandId: ids.brands })).id;
  bodyRoutes = t.routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && r.url.startsWith('/api/'));
});
after(async () => {
  await t.close();
  await closeDb();
});

/**
 * Sends `payload` to every body route as a fresh admin (admins pass every guard, so the body is what
 * gets judged; a fresh session because a logout that accepted the body would end it). Returns the
 * answers that are a 5xx, a 4xx without a code, or not `expected` when given.
 */
async function sweep(payload: string | Buffer, contentType: string | undefined, expected?: [number, string]) {
  const failures: string[] = [];
  for (const route of bodyRoutes) {
    const token = await tokenFor(t.app, admin);
    const res = await t.app.inject({
      method: route.method as 'POST',
      url: fillParams(route.url, ids, ids.products),
      headers: { authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}) },
      payload,
    });
    const code = res.statusCode >= 400 ? res.json()?.error?.code : undefined;
    const bad = expected
      ? res.statusCode !== expected[0] || code !== expected[1]
      : res.statusCode >= 500 || (res.statusCode >= 400 && typeof code !== 'string');
    if (bad) failures.push(`${route.method} ${route.url}: ${res.statusCode} ${res.body.slice(0, 100)}`);
  }
  return failures;
}

const deep = (depth: number, open: string, close: string) => `${open.repeat(depth)}${close.repeat(depth)}`;

describe('every body route', () => {
  test('there are body routes to sweep', () => {
    assert.ok(bodyRoutes.length >= 10, `only ${bodyRoutes.length}`);
  });

  test('a body over BODY_LIMIT_BYTES is 413 API_ERR_BODY_TOO_LARGE', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(t.app.config.BODY_LIMIT_BYTES) });
    assert.deepEqual(await sweep(huge, 'application/json', [413, 'API_ERR_BODY_TOO_LARGE']), []);
  });

  test('a body that is not JSON is 415 API_ERR_UNSUPPORTED_MEDIA_TYPE, however it is labelled', async () => {
    const types = [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'text/html',
      'application/jsonx',
      'application/json5',
      'text/json',
    ];
    for (const type of types) {
      assert.deepEqual(await sweep('{"name":"x"}', type, [415, 'API_ERR_UNSUPPORTED_MEDIA_TYPE']), [], type);
    }
  });

  test('JSON nested 10,000–30,000 deep (inside the size limit) is a 4xx with a code, never a 5xx', async () => {
    for (const body of [
      deep(30_000, '[', ']'),
      `{"name":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
      `{"name":${deep(30_000, '[', ']')},"title":"x","status":"paid","productId":1,"quantity":1}`,
    ]) {
      assert.ok(body.length < t.app.config.BODY_LIMIT_BYTES, 'judged for its depth, not its size');
      assert.deepEqual(await sweep(body, 'application/json'), []);
    }
  });
});

describe('what a refused body leaves behind', () => {
  let user: { id: number };
  let token: string;
  before(async () => {
    user = await createUser();
    token = await tokenFor(t.app, { id: user.id, role: 'customer' });
    await db().query("UPDATE users SET name = 'Original' WHERE id = $1", [user.id]);
  });
  const patchMe = (payload: string, contentType = 'application/json') =>
    t.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      payload,
    });
  const stored = async () =>
    (await db().query('SELECT name, role FROM users WHERE id = $1', [user.id])).rows[0] as {
      name: string;
      role: string;
    };

  test('prototype poisoning is refused (400 API_ERR_MALFORMED_JSON): no role, no polluted prototype', async () => {
    for (const body of [
      '{"name":"Eve","__proto__":{"role":"admin","isAdmin":true}}',
      '{"name":"Eve","constructor":{"prototype":{"role":"admin","isAdmin":true}}}',
    ]) {
      const res = await patchMe(body);
      assert.equal(res.statusCode, 400, body);
      assert.equal(res.json().error.code, 'API_ERR_MALFORMED_JSON');
    }
    assert.equal(({} as { isAdmin?: unknown }).isAdmin, undefined, 'Object.prototype untouched');
    assert.deepEqual(await stored(), { name: 'Original', role: 'customer' });
  });

  test('oversized, mislabelled and deep bodies change nothing', async () => {
    assert.equal((await patchMe(JSON.stringify({ name: 'x'.repeat(70_000) }))).statusCode, 413);
    assert.equal((await patchMe('name=Eve', 'application/x-www-form-urlencoded')).statusCode, 415);
    assert.equal((await patchMe('{"name":"Eve"}', 'text/plain')).statusCode, 415);
    assert.equal((await patchMe(`{"name":${deep(20_000, '[', ']')}}`)).statusCode, 400);
    assert.deepEqual(await stored(), { name: 'Original', role: 'customer' });
  });
});

describe('over a real socket', () => {
  let api: ApiProcess;
  before(async () => {
    api = await spawnApi();
  });
  after(() => api?.stop());

  /** One request on its own connection; a connection the server cuts is an answer too. */
  function send(o: { method?: string; path: string; headers?: Record<string, string>; chunks?: Buffer[] }) {
    const { hostname, port } = new URL(api.url);
    return new Promise<{ status: number; body: string } | { cut: string }>((resolve) => {
      const req = request(
        { host: hostname, port, path: o.path, method: o.method ?? 'GET', headers: o.headers, agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', (e) => resolve({ cut: e.message }));
      for (const chunk of o.chunks ?? []) req.write(chunk);
      req.end();
    });
  }

  test('a chunked body with no length is cut at the limit: 413 API_ERR_BODY_TOO_LARGE', async () => {
    const res = await send({
      method: 'POST',
      path: '/api/v1/auth/otp',
      headers: { 'content-type': 'application/json' },
      chunks: [
        Buffer.from('{"email":"'),
        ...Array.from({ length: 10 }, () => Buffer.alloc(10_000, 97)),
        Buffer.from('@b.co"}'),
      ],
    });
    assert.ok('status' in res, `cut instead of answered: ${JSON.stringify(res)}`);
    assert.equal(res.status, 413);
    assert.equal(JSON.parse(res.body).error.code, 'API_ERR_BODY_TOO_LARGE');
  });

  test('headers past Node’s limit are refused with 431 (or the connection cut), never served', async () => {
    const control = await send({ path: '/api/v1/brands?limit=1', headers: { 'x-filler': 'a'.repeat(8_000) } });
    assert.ok('status' in control && control.status === 200, `8 KB of headers is fine: ${JSON.stringify(control)}`);
    const many = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`x-h-${i}`, 'v']));
    for (const headers of [{ 'x-filler': 'a'.repeat(20_000) }, many, { cookie: `s=${'c'.repeat(64_000)}` }]) {
      const res = await send({ path: '/api/v1/brands?limit=1', headers });
      if ('status' in res) assert.equal(res.status, 431, res.body);
      // Node answers 431 before reading the rest; a reset of the unread rest may beat the answer.
      else assert.match(res.cut, /ECONNRESET|socket hang up|EPIPE/);
    }
    const after = await send({ path: '/api/v1/brands?limit=1' });
    assert.ok('status' in after && after.status === 200, 'the server still answers');
  });
});
