// What every answer says about itself, over the whole route table: `X-Content-Type-Options: nosniff`
// on successes and on every kind of error, no header naming the server's software, error bodies that
// are JSON with a code and no stack. CORS: the API serves no browser on another origin (it registers
// no CORS handling), so no origin — evil, `null` or look-alike — gets an Access-Control-Allow-* header,
// and a preflight is an ordinary 4xx with a code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions as Inject, LightMyRequestResponse } from 'fastify';
import {
  closeDb,
  createBrand,
  createCategory,
  createProduct,
  createUser,
  type TestApp,
  tokenFor,
} from '../../support/api.ts';
import { fillParams, type RouteEntry, startAppWithRoutes } from '../../support/route-table.ts';

let t: TestApp & { routes: RouteEntry[] };
let customer: { id: number; role: 'customer' };
let admin: { id: number; role: 'admin' };
let routes: RouteEntry[];
const ids: Record<string, number> = {};
before(async () => {
  t = await startAppWithRoutes({ RATE_LIMIT_GENERAL_MAX: '1000000' });
  customer = { id: (await createUser()).id, role: 'customer' };
  admin = { id: (await createUser('admin')).id, role: 'admin' };
  ids.brands = (await createBrand()).id;
  ids.categories = (await createCategory()).id;
  ids.products = (await createProduct({ brandId: ids.brands })).id;
  // The shop's routes (the ops ones answer on the ops server, see production-defaults.test.ts).
  routes = t.routes.filter((r) => r.url.startsWith('/api/'));
});
after(async () => {
  await t.close();
  await closeDb();
});

type Answer = LightMyRequestResponse;
const evil = ['https://evil.example', 'null', 'https://avelon.example.evil.example', 'http://127.0.0.1:1'];

/** Every route as an anonymous caller, a customer and an admin, plus the kinds of error a client can cause. */
async function answers(extra: Record<string, string> = {}): Promise<Array<[string, Answer]>> {
  const out: Array<[string, Answer]> = [];
  const send = async (label: string, options: Inject) =>
    out.push([label, await t.app.inject({ ...options, headers: { ...options.headers, ...extra } })]);
  for (const route of routes) {
    for (const who of ['anonymous', 'customer', 'admin'] as const) {
      // Writes only as anonymous and customer: those are refused before anything happens.
      if (who === 'admin' && !['GET', 'HEAD'].includes(route.method)) continue;
      // A fresh session each time: a logout route ends the one it is called with.
      const token = who === 'anonymous' ? undefined : await tokenFor(t.app, who === 'admin' ? admin : customer);
      await send(`${who} ${route.method} ${route.url}`, {
        method: route.method as 'GET',
        url: fillParams(route.url, ids, ids.products),
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    }
  }
  const auth = { authorization: `Bearer ${await tokenFor(t.app, customer)}` };
  await send('404 route', { method: 'GET', url: '/api/v1/nothing-here' });
  await send('405', { method: 'PUT', url: '/api/v1/products' });
  await send('400 validation', { method: 'GET', url: '/api/v1/products?limit=100000' });
  await send('400 JSON', {
    method: 'PATCH',
    url: '/api/v1/users/me',
    headers: { ...auth, 'content-type': 'application/json' },
    payload: '{',
  });
  await send('413', { method: 'PATCH', url: '/api/v1/users/me', headers: auth, payload: { name: 'x'.repeat(70_000) } });
  await send('415', {
    method: 'PATCH',
    url: '/api/v1/users/me',
    headers: { ...auth, 'content-type': 'text/plain' },
    payload: 'x',
  });
  const first = await t.app.inject({ method: 'GET', url: `/api/v1/products/${ids.products}` });
  await send('304', {
    method: 'GET',
    url: `/api/v1/products/${ids.products}`,
    headers: { 'if-none-match': String(first.headers.etag) },
  });
  return out;
}

describe('security headers', () => {
  test('every answer, success or error, says nosniff and names no server software', async () => {
    const all = await answers();
    const statuses = new Set(all.map(([, res]) => res.statusCode));
    for (const status of [200, 304, 400, 401, 403, 404, 405, 413, 415])
      assert.ok(statuses.has(status), `no ${status} seen`);
    const failures: string[] = [];
    for (const [label, res] of all) {
      if (res.headers['x-content-type-options'] !== 'nosniff')
        failures.push(`${label} (${res.statusCode}): no nosniff`);
      for (const leak of ['x-powered-by', 'server', 'x-aspnet-version']) {
        if (res.headers[leak] !== undefined) failures.push(`${label}: ${leak}: ${res.headers[leak]}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test('error bodies are JSON with a registered code and a message, and carry no stack or SQL', async () => {
    const failures: string[] = [];
    for (const [label, res] of await answers()) {
      if (res.statusCode < 400 || res.body === '') continue;
      if (!String(res.headers['content-type']).startsWith('application/json')) failures.push(`${label}: not JSON`);
      const error = res.json().error;
      if (!/^API_ERR_[A-Z_]+$/.test(error?.code ?? '') || typeof error?.message !== 'string') {
        failures.push(`${label}: ${res.body.slice(0, 100)}`);
      }
      if (/\bat .+:\d+:\d+|node_modules|SELECT |INSERT /.test(res.body))
        failures.push(`${label}: leaks ${res.body.slice(0, 100)}`);
    }
    assert.deepEqual(failures, []);
  });
});

describe('CORS', () => {
  test('no origin is allowed: no Access-Control-Allow-* header on any answer', async () => {
    const failures: string[] = [];
    for (const origin of evil) {
      for (const [label, res] of await answers({ origin })) {
        const allow = Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));
        if (allow.length > 0) failures.push(`${origin} ${label}: ${allow.join(', ')}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test('a preflight for any route is a 4xx with a code and allows nothing', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const res = await t.app.inject({
        method: 'OPTIONS',
        url: fillParams(route.url, ids, ids.products),
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': route.method,
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      const allow = Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));
      const code = res.json()?.error?.code;
      if (res.statusCode < 400 || res.statusCode >= 500 || typeof code !== 'string' || allow.length > 0) {
        failures.push(`OPTIONS ${route.url}: ${res.statusCode} ${code} ${allow.join(', ')}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});
