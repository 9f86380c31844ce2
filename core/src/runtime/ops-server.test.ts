import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { after, describe, test } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { createLogger } from './logger.ts';
import { type OpsServer, type OpsServerOptions, startOpsServer } from './ops-server.ts';

const servers: OpsServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function start(o: Partial<OpsServerOptions> = {}): Promise<OpsServer> {
  const server = await startOpsServer({
    host: '127.0.0.1',
    port: 0,
    registry: new Registry(),
    checks: {},
    logger: createLogger({ service: 'test', level: 'silent' }),
    ...o,
  });
  servers.push(server);
  return server;
}

const get = async (s: OpsServer, path: string, init?: RequestInit) => {
  const res = await fetch(`${s.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
};

// An address of this machine other than loopback, if it has one.
const outside = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

const never = () => new Promise<void>(() => {});

describe('/livez', () => {
  test('200 while alive, 503 with the reason once the app marks itself broken', async () => {
    const s = await start();
    assert.equal((await get(s, '/livez')).status, 200);
    s.markBroken('event loop wedged');
    const res = await get(s, '/livez');
    assert.equal(res.status, 503);
    assert.equal(res.json().reason, 'event loop wedged');
  });
});

describe('/readyz', () => {
  // name, checks, expected status code, expected body status, expected check results
  const cases: Array<[string, OpsServerOptions['checks'], number, string, Record<string, string | RegExp>]> = [
    ['no checks: ready', {}, 200, 'ok', {}],
    ['every check answers', { db: async () => {}, redis: async () => 'PONG' }, 200, 'ok', { db: 'ok', redis: 'ok' }],
    [
      'a failing check: 503 with its message, the others still reported',
      { db: () => Promise.reject(new Error('connect ECONNREFUSED')), redis: async () => {} },
      503,
      'down',
      { db: 'connect ECONNREFUSED', redis: 'ok' },
    ],
    [
      'a check that throws synchronously fails like one that rejects',
      {
        db: () => {
          throw new Error('no pool');
        },
      },
      503,
      'down',
      { db: 'no pool' },
    ],
    ['a hanging check: 503 "timeout" once its time is up', { db: never }, 503, 'down', { db: /^timeout after 50 ms$/ }],
    [
      'an optional check failing only degrades: still 200',
      { db: async () => {}, cache: { run: () => Promise.reject(new Error('LOADING')), required: false } },
      200,
      'degraded',
      { db: 'ok', cache: 'LOADING' },
    ],
  ];
  for (const [name, checks, code, status, expected] of cases) {
    test(name, async () => {
      const s = await start({ checks, checkTimeoutMs: 50 });
      const res = await get(s, '/readyz');
      assert.equal(res.status, code, res.text);
      const body = res.json();
      assert.equal(body.status, status);
      assert.deepEqual(Object.keys(body.checks).sort(), Object.keys(expected).sort());
      for (const [k, v] of Object.entries(expected)) {
        if (typeof v === 'string') assert.equal(body.checks[k], v, k);
        else assert.match(body.checks[k], v, k);
      }
    });
  }

  test('draining: 503 whatever the checks say, so a leaving pod gets no new traffic; live stays 200', async () => {
    const s = await start({ checks: { db: async () => {} } });
    assert.equal((await get(s, '/readyz')).status, 200);
    s.drain();
    const res = await get(s, '/readyz');
    assert.equal(res.status, 503);
    assert.equal(res.json().status, 'draining');
    assert.equal((await get(s, '/livez')).status, 200);
  });
});

describe('/metrics', () => {
  test('the registry in Prometheus text, after beforeMetrics ran', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'test_scrapes_total', help: 'scrapes', registers: [registry] });
    const s = await start({ registry, beforeMetrics: async () => counter.inc() });
    const res = await get(s, '/metrics');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), registry.contentType);
    assert.match(res.text, /^test_scrapes_total 1$/m);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  test('a failing beforeMetrics still serves the registry', async () => {
    const registry = new Registry();
    new Counter({ name: 'test_other_total', help: 'other', registers: [registry] });
    const s = await start({ registry, beforeMetrics: () => Promise.reject(new Error('redis down')) });
    const res = await get(s, '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.text, /^test_other_total 0$/m);
  });
});

describe('other paths', () => {
  test('404 with a machine-readable code; 405 for anything but GET and HEAD', async () => {
    const s = await start();
    const missing = await get(s, '/health');
    assert.equal(missing.status, 404);
    assert.equal(missing.json().error.code, 'OPS_ERR_NOT_FOUND');
    const post = await get(s, '/readyz', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.json().error.code, 'OPS_ERR_METHOD_NOT_ALLOWED');
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    assert.equal((await get(s, '/livez', { method: 'HEAD' })).status, 200);
  });

  test('extra routes: JSON by exact path (with the query), and handlers for a path and everything below', async () => {
    const s = await start({
      routes: {
        '/status': { json: (url) => ({ since: url.searchParams.get('since') }) },
        '/docs/*': { handle: (req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end(req.url) },
        '/broken': { json: () => Promise.reject(new Error('boom')) },
      },
    });
    assert.deepEqual((await get(s, '/status?since=4')).json(), { since: '4' });
    assert.equal((await get(s, '/docs')).text, '/docs');
    assert.equal((await get(s, '/docs/json')).text, '/docs/json');
    assert.equal((await get(s, '/docsx')).status, 404, 'a prefix matches whole path segments only');
    const failed = await get(s, '/broken');
    assert.equal(failed.status, 500);
    assert.equal(failed.json().error.code, 'OPS_ERR_INTERNAL');
  });

  test('listens where told: port 0 picks a free port, reported on the result', async () => {
    const s = await start();
    assert.ok(s.port > 0);
    assert.equal(s.url, `http://127.0.0.1:${s.port}`);
    await s.close();
    await assert.rejects(fetch(`${s.url}/livez`), 'closed');
  });

  test('on loopback it is not reachable through another interface', async (t) => {
    const s = await start({ host: '127.0.0.1' });
    if (!outside) return t.skip('no non-loopback interface on this machine');
    await assert.rejects(fetch(`http://${outside}:${s.port}/livez`), 'refused on a non-loopback address');
  });
});
