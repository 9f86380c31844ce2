// Sign-in and sessions through app.inject(): the one-time code goes out through the queue (read back
// from it), is single-use and limited in attempts; tokens name sessions in Redis that logout and
// logout-all end; /users/me is the user's own.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jobId } from '@avelon/core';
import { closeDb, createUser, db, findJob, lastOtpCode, startApp, type TestApp, unique } from '../support/api.ts';

let t: TestApp;
before(async () => {
  t = await startApp();
});
after(async () => {
  await t.close();
  await closeDb();
});

const post = (url: string, payload?: object, token?: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1${url}`,
    ...(payload ? { payload } : {}),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
const me = (token: string) =>
  t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: { authorization: `Bearer ${token}` } });

async function requestCode(email: string): Promise<string> {
  const res = await post('/auth/otp', { email });
  assert.equal(res.statusCode, 202, res.body);
  const code = await lastOtpCode(email);
  assert.ok(code, 'a code was enqueued');
  return code;
}

async function signIn(email: string): Promise<{ token: string; isNew: boolean }> {
  const code = await requestCode(email);
  const res = await post('/auth/verify', { email, code });
  assert.equal(res.statusCode, 200, res.body);
  return { token: res.json().accessToken, isNew: res.json().user.isNew };
}

describe('one-time codes', () => {
  test('the code is mailed through the queue with a deterministic job id and stored only hashed', async () => {
    const email = `${unique('otp')}@test.avelon.local`;
    const code = await requestCode(email);
    const job = await findJob('emails', jobId('otp-code', { email, code, expiresInSeconds: 600 }));
    assert.equal(job?.data.email, email);
    const stored = await t.app.cacheRedis.zrange(`avelon:otp:${email}`, 0, -1, 'WITHSCORES');
    assert.equal(stored.length, 2, 'one pending code');
    assert.ok(!stored.some((v) => v.includes(code)), 'the code itself is not in Redis');
  });

  test('an unknown address signs up as a customer; the code works once', async () => {
    const email = `${unique('new')}@test.avelon.local`;
    const code = await requestCode(email);
    const ok = await post('/auth/verify', { email: email.toUpperCase(), code });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().user.isNew, true);
    assert.equal(ok.json().user.role, 'customer');
    const again = await post('/auth/verify', { email, code });
    assert.equal(again.statusCode, 401);
    assert.equal(again.json().error.code, 'API_ERR_OTP_INVALID');
    const { rows } = await db().query('SELECT role, is_email_verified FROM users WHERE email = $1', [email]);
    assert.deepEqual(rows[0], { role: 'customer', is_email_verified: true });
    // A second sign-in finds the account instead of creating one.
    assert.equal((await signIn(email)).isNew, false);
  });

  test('wrong codes use up the attempts: after five, even the right code fails', async () => {
    const email = `${unique('guess')}@test.avelon.local`;
    const code = await requestCode(email);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) assert.equal((await post('/auth/verify', { email, code: wrong })).statusCode, 401);
    assert.equal((await post('/auth/verify', { email, code })).statusCode, 401);
  });

  test('a banned account gets 403', async () => {
    const user = await createUser('customer', true);
    const code = await requestCode(user.email);
    const res = await post('/auth/verify', { email: user.email, code });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'API_ERR_ACCOUNT_BANNED');
  });

  test('bad input is 400', async () => {
    for (const body of [{ email: 'not-an-email' }, { email: 'a@b.co', extra: 1 }, {}]) {
      assert.equal((await post('/auth/otp', body)).statusCode, 400, JSON.stringify(body));
    }
    assert.equal((await post('/auth/verify', { email: 'a@b.co', code: '12345' })).statusCode, 400);
  });
});

describe('a stranger cannot deny sign-in to the owner of an address', () => {
  let s: TestApp;
  before(async () => {
    s = await startApp({ TRUST_PROXY: '127.0.0.1', RATE_LIMIT_AUTH_MAX: '5', RATE_LIMIT_AUTH_EMAIL_MAX: '4' });
  });
  after(() => s.close());
  const from = (ip: string, url: string, payload: object) =>
    s.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers: { 'x-forwarded-for': ip } });
  let n = 0;
  const address = () => `10.77.${Math.floor(Math.random() * 250)}.${n++ % 250}`;

  test('codes requested by others from other addresses neither use up the owner’s limit nor void the owner’s code', async () => {
    const email = `${unique('victim')}@test.avelon.local`;
    const owner = address();
    assert.equal((await from(owner, '/auth/otp', { email })).statusCode, 202);
    const code = await lastOtpCode(email);
    for (let i = 0; i < 3; i++) assert.equal((await from(address(), '/auth/otp', { email })).statusCode, 202);
    assert.equal((await from(owner, '/auth/otp', { email })).statusCode, 202, 'the owner may still ask');
    const res = await from(owner, '/auth/verify', { email, code });
    assert.equal(res.statusCode, 200, 'the first code is still valid');
    assert.equal(
      (await from(owner, '/auth/verify', { email, code: await lastOtpCode(email) })).statusCode,
      401,
      'a sign-in voids every pending code',
    );
  });

  test('wrong guesses from another address do not void the owner’s code; they lock out only that address', async () => {
    const email = `${unique('guessed')}@test.avelon.local`;
    const owner = address();
    assert.equal((await from(owner, '/auth/otp', { email })).statusCode, 202);
    const code = (await lastOtpCode(email)) ?? '';
    const wrong = code === '000000' ? '111111' : '000000';
    // Spread over addresses so the per-address request limit is not what stops the stranger.
    const stranger = address();
    for (let i = 0; i < 5; i++) {
      const guess = await from(i < 2 ? stranger : address(), '/auth/verify', { email, code: wrong });
      assert.equal(guess.statusCode, 401);
    }
    const s2 = address();
    for (let i = 0; i < 5; i++) await s.app.otp.check(email, s2, wrong);
    assert.equal(await s.app.otp.check(email, s2, code), false, 'the guessing address is locked out');
    assert.equal((await from(owner, '/auth/verify', { email, code })).statusCode, 200);
  });
});

describe('sessions', () => {
  test('a token opens /users/me; no token, a forged one or a garbage one is 401', async () => {
    const { token } = await signIn(`${unique('me')}@test.avelon.local`);
    assert.equal((await me(token)).statusCode, 200);
    const [h, p] = token.split('.');
    for (const bad of ['', 'garbage', `${h}.${p}.AAAA`]) {
      const res = await me(bad);
      assert.equal(res.statusCode, 401, bad);
      assert.equal(res.json().error.code, 'API_ERR_UNAUTHENTICATED');
    }
  });

  test('the session lives in the queue Redis under its jti with a TTL no longer than the token', async () => {
    const { token } = await signIn(`${unique('ttl')}@test.avelon.local`);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    const ttl = await t.app.sessionRedis.pttl(`avelon:sess:${payload.jti}`);
    assert.ok(ttl > 0 && ttl <= (payload.exp - Math.floor(Date.now() / 1000) + 1) * 1000, String(ttl));
    assert.equal(await t.app.sessionRedis.exists(`avelon:sess:${token}`), 0);
    // Not in the cache Redis, which forgets everything on a restart and evicts under memory pressure.
    assert.equal(await t.app.cacheRedis.exists(`avelon:sess:${payload.jti}`), 0);
  });

  test('PATCH /users/me changes the name only', async () => {
    const { token } = await signIn(`${unique('name')}@test.avelon.local`);
    const patch = (payload: object) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        payload,
        headers: { authorization: `Bearer ${token}` },
      });
    const ok = await patch({ name: 'Ada' });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().name, 'Ada');
    assert.equal((await me(token)).json().name, 'Ada');
    const escalate = await patch({ name: 'Eve', role: 'admin' });
    assert.equal(escalate.statusCode, 400);
    assert.equal((await me(token)).json().role, 'customer');
  });

  test('logout ends that session only; logout-all ends every one', async () => {
    const email = `${unique('out')}@test.avelon.local`;
    const a = (await signIn(email)).token;
    const b = (await signIn(email)).token;
    const c = (await signIn(email)).token;
    assert.equal((await post('/auth/logout', undefined, a)).statusCode, 204);
    assert.equal((await me(a)).statusCode, 401);
    assert.equal((await me(b)).statusCode, 200);
    assert.equal((await post('/auth/logout-all', undefined, b)).statusCode, 204);
    assert.equal((await me(b)).statusCode, 401);
    assert.equal((await me(c)).statusCode, 401);
  });
});
