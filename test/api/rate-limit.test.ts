// Rate limits on the cache Redis, through app.inject() with small configured limits: 429 with the
// standard headers and Retry-After; the client address is X-Forwarded-For only from a trusted proxy;
// sign-in is limited per address and per (email, address), never per email alone; writes and checkouts per user.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { closeDb, createUser, metricValue, startApp, type TestApp, tokenFor, unique } from '../support/api.ts';

const apps: TestApp[] = [];
after(async () => {
  for (const a of apps) await a.close();
  await closeDb();
});
async function app(env: Record<string, string>) {
  const t = await startApp(env);
  apps.push(t);
  return t;
}
// Each run counts in fresh buckets: an address of its own (through the trusted proxy).
const freshIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe('general limit', () => {
  test('the request over the limit gets 429 with Retry-After and the registered code', async () => {
    const t = await app({ RATE_LIMIT_GENERAL_MAX: '3', TRUST_PROXY: '127.0.0.1' });
    const ip = freshIp();
    const get = () =>
      t.app.inject({ method: 'GET', url: '/api/v1/brands?limit=1', headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < 3; i++) {
      const ok = await get();
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.headers['x-ratelimit-limit'], '3');
      assert.equal(ok.headers['x-ratelimit-remaining'], String(2 - i));
    }
    const limited = await get();
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'API_ERR_RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    // Probes and metrics are on the ops server, outside the limiter: a limited address never blinds them.
    const metrics = await (await fetch(`${t.ops.url}/metrics`)).text();
    assert.ok((metricValue(metrics, 'avelon_ratelimit_rejections_total{limit="general"}') ?? 0) >= 1);
    assert.equal(metricValue(metrics, 'avelon_ratelimit_fail_open'), 1);
    assert.equal((await fetch(`${t.ops.url}/readyz`)).status, 200);
  });

  test('X-Forwarded-For counts only from a trusted proxy: without one, a spoofed header shares the socket’s bucket', async () => {
    const trusted = await app({ RATE_LIMIT_GENERAL_MAX: '2', TRUST_PROXY: '127.0.0.1' });
    const ipA = freshIp();
    const ipB = freshIp();
    const viaProxy = (ip: string) =>
      trusted.app.inject({ method: 'GET', url: '/api/v1/brands?limit=1', headers: { 'x-forwarded-for': ip } });
    await viaProxy(ipA);
    await viaProxy(ipA);
    assert.equal((await viaProxy(ipA)).statusCode, 429);
    assert.equal((await viaProxy(ipB)).statusCode, 200, 'another client behind the proxy has its own bucket');

    const untrusted = await app({ RATE_LIMIT_GENERAL_MAX: '2', TRUST_PROXY: '', INSTANCE_ID: unique('u') });
    const remote = freshIp();
    const spoof = (ip: string) =>
      untrusted.app.inject({
        method: 'GET',
        url: '/api/v1/brands?limit=1',
        remoteAddress: remote,
        headers: { 'x-forwarded-for': ip },
      });
    await spoof(freshIp());
    await spoof(freshIp());
    assert.equal(
      (await spoof(freshIp())).statusCode,
      429,
      'a new X-Forwarded-For per request does not escape the limit',
    );
  });
});

describe('specific limits', () => {
  test('sign-in: per (email, address) and per address across emails; a stranger elsewhere does not spend the owner’s limit', async () => {
    // The per-email limit used to count every address (the test asserted a third request from a third
    // address was 429): that let anyone lock the owner of an address out of sign-in. It now counts an
    // (email, client address) pair; the per-address limit still bounds one client across emails.
    const t = await app({ RATE_LIMIT_AUTH_MAX: '3', RATE_LIMIT_AUTH_EMAIL_MAX: '2', TRUST_PROXY: '127.0.0.1' });
    const otp = (email: string, ip: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { email }, headers: { 'x-forwarded-for': ip } });
    const email = `${unique('rl')}@test.avelon.local`;
    const owner = freshIp();
    for (let i = 0; i < 3; i++) assert.equal((await otp(email, freshIp())).statusCode, 202, 'strangers elsewhere');
    assert.equal((await otp(email, owner)).statusCode, 202);
    assert.equal((await otp(email, owner)).statusCode, 202);
    const byEmail = await otp(email, owner);
    assert.equal(byEmail.statusCode, 429);
    assert.match(byEmail.json().error.message, /auth_email/);
    const ip = freshIp();
    await otp(`${unique('a')}@test.avelon.local`, ip);
    await otp(`${unique('b')}@test.avelon.local`, ip);
    await otp(`${unique('c')}@test.avelon.local`, ip);
    const byIp = await otp(`${unique('d')}@test.avelon.local`, ip);
    assert.equal(byIp.statusCode, 429);
    assert.match(byIp.json().error.message, /auth_ip/);
  });

  test('writes per user: the third write in the window is 429, another user is unaffected', async () => {
    const t = await app({ RATE_LIMIT_WRITES_MAX: '2' });
    const a = await tokenFor(t.app, { ...(await createUser()), role: 'customer' });
    const b = await tokenFor(t.app, { ...(await createUser()), role: 'customer' });
    const patch = (token: string) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        payload: { name: 'x' },
        headers: { authorization: `Bearer ${token}` },
      });
    assert.equal((await patch(a)).statusCode, 200);
    assert.equal((await patch(a)).statusCode, 200);
    const limited = await patch(a);
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await patch(b)).statusCode, 200);
  });

  test('checkout per user', async () => {
    const t = await app({ RATE_LIMIT_CHECKOUT_MAX: '1' });
    const token = await tokenFor(t.app, { ...(await createUser()), role: 'customer' });
    const checkout = () =>
      t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { authorization: `Bearer ${token}` } });
    assert.equal((await checkout()).statusCode, 409, 'empty cart, but counted');
    assert.equal((await checkout()).statusCode, 429);
  });
});
