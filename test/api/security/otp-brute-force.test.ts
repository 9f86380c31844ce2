// Guessing one-time codes through app.inject(), with OTP_MAX_ATTEMPTS=3. Wrong codes are counted per
// (email, client address) (api/src/auth/otp.ts): after exactly N the attacker's address is refused even
// the right code, and the answer reads like any wrong code; case variants of the email, a fresh code
// and rotated forwarding headers buy no new attempts. The other side: the owner, from their own
// address, still signs in with the same code — a stranger's guesses lock out only the stranger.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeDb, lastOtpCode, startApp, type TestApp, unique } from '../../support/api.ts';

const attempts = 3;
const apps: TestApp[] = [];
after(async () => {
  for (const a of apps) await a.close();
  await closeDb();
});
async function app(env: Record<string, string>) {
  const t = await startApp({ OTP_MAX_ATTEMPTS: String(attempts), ...env });
  apps.push(t);
  return t;
}
const octet = () => 10 + Math.floor(Math.random() * 240);
const address = () => `198.51.${octet()}.${octet()}`;
const newEmail = () => `${unique('otp-bf')}@test.avelon.local`;
const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');

/** Requests and verifies as one client: `via` gives the request's origin (a proxy header or a socket address). */
function client(t: TestApp, via: (ip: string) => { remoteAddress?: string; headers?: Record<string, string> }) {
  const post = (ip: string, url: string, payload: object) => {
    const { remoteAddress, headers } = via(ip);
    return t.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      payload,
      headers,
      ...(remoteAddress ? { remoteAddress } : {}),
    });
  };
  return {
    async requestCode(ip: string, email: string): Promise<string> {
      assert.equal((await post(ip, '/auth/otp', { email })).statusCode, 202);
      const code = await lastOtpCode(email);
      assert.ok(code, 'a code was mailed');
      return code;
    },
    verify: (ip: string, email: string, code: string) => post(ip, '/auth/verify', { email, code }),
  };
}

async function refused(
  res: { statusCode: number; json(): { error: { code: string; message: string } } },
  what: string,
) {
  assert.equal(res.statusCode, 401, what);
  assert.deepEqual(
    res.json(),
    { error: { code: 'API_ERR_OTP_INVALID', message: 'The code is wrong, expired or used up.' } },
    `${what}: the answer reads like any wrong code`,
  );
}

describe('behind a trusted proxy (one client per X-Forwarded-For address)', () => {
  let t: TestApp;
  let c: ReturnType<typeof client>;
  before(async () => {
    t = await app({ TRUST_PROXY: '127.0.0.1' });
    c = client(t, (ip) => ({ headers: { 'x-forwarded-for': ip } }));
  });

  test('N−1 wrong guesses leave the right code usable; N lock that address out, the owner still signs in', async () => {
    const attacker = address();
    const lucky = newEmail();
    const luckyCode = await c.requestCode(address(), lucky);
    for (let i = 0; i < attempts - 1; i++)
      await refused(await c.verify(attacker, lucky, wrongFor(luckyCode)), `guess ${i + 1}`);
    assert.equal((await c.verify(attacker, lucky, luckyCode)).statusCode, 200, 'not locked before the N-th miss');

    const victim = newEmail();
    const owner = address();
    const code = await c.requestCode(owner, victim);
    for (let i = 0; i < attempts; i++)
      await refused(await c.verify(attacker, victim, wrongFor(code)), `guess ${i + 1}`);
    await refused(await c.verify(attacker, victim, code), 'the right code from the locked address');
    const fails = await t.app.cacheRedis.get(`avelon:otp-fail:${attacker}:${victim}`);
    assert.equal(fails, String(attempts), 'the lock-out counts no further');
    const res = await c.verify(owner, victim, code);
    assert.equal(res.statusCode, 200, `the owner is not locked out: ${res.body}`);
    assert.equal(res.json().user.email, victim);
  });

  test('case variants of the email share one count', async () => {
    const attacker = address();
    const email = newEmail();
    const code = await c.requestCode(address(), email);
    for (const variant of [email.toUpperCase(), email[0]?.toUpperCase() + email.slice(1), email]) {
      await refused(await c.verify(attacker, variant, wrongFor(code)), variant);
    }
    await refused(await c.verify(attacker, email, code), 'the right code after N misses in any spelling');
  });

  test('asking for a new code does not reset the count', async () => {
    const attacker = address();
    const email = newEmail();
    const first = await c.requestCode(attacker, email);
    for (let i = 0; i < attempts; i++)
      await refused(await c.verify(attacker, email, wrongFor(first)), `guess ${i + 1}`);
    const fresh = await c.requestCode(attacker, email);
    await refused(await c.verify(attacker, email, fresh), 'a fresh code from the locked address');
    assert.equal((await c.verify(address(), email, fresh)).statusCode, 200, 'the code itself was not spent');
  });

  test('prepending someone else’s address does not move the count to them', async () => {
    const attacker = address();
    const owner = address();
    const email = newEmail();
    const code = await c.requestCode(owner, email);
    // The proxy appends the attacker's real address after whatever the attacker claimed.
    const spoofing = client(t, (ip) => ({ headers: { 'x-forwarded-for': `${owner}, ${ip}` } }));
    for (let i = 0; i < attempts; i++)
      await refused(await spoofing.verify(attacker, email, wrongFor(code)), `guess ${i + 1}`);
    await refused(await c.verify(attacker, email, code), 'the attacker is locked');
    assert.equal((await c.verify(owner, email, code)).statusCode, 200, 'the owner, whose address was claimed, is not');
  });

  test('an expired code is refused even when right', async () => {
    const owner = address();
    const email = newEmail();
    const code = await c.requestCode(owner, email);
    // Age every pending code of the address past its expiry (its score is the expiry in ms).
    const key = `avelon:otp:${email}`;
    const pending = await t.app.cacheRedis.zrange(key, 0, -1);
    assert.equal(pending.length, 1, 'one pending code');
    for (const member of pending) {
      await t.app.cacheRedis.zadd(key, 'XX', Date.now() - 1000, member);
    }
    await refused(await c.verify(owner, email, code), 'expired');
  });
});

describe('no trusted proxy: one client per socket address, whatever it claims', () => {
  test('rotating X-Forwarded-For buys no attempts; the owner on another socket still signs in', async () => {
    const t = await app({ TRUST_PROXY: '' });
    // Each guess claims another origin; the socket address is the attacker's all along.
    const socket = address();
    const spoofing = client(t, () => ({ remoteAddress: socket, headers: { 'x-forwarded-for': address() } }));
    const bySocket = client(t, (ip) => ({ remoteAddress: ip }));
    const email = newEmail();
    const owner = address();
    const code = await bySocket.requestCode(owner, email);
    for (let i = 0; i < attempts; i++)
      await refused(await spoofing.verify('', email, wrongFor(code)), `guess ${i + 1}`);
    await refused(await spoofing.verify('', email, code), 'the right code from the locked socket');
    assert.equal((await bySocket.verify(owner, email, code)).statusCode, 200);
  });
});

test('spraying guesses across many emails from one address meets the per-address limit', async () => {
  const t = await app({ TRUST_PROXY: '127.0.0.1', RATE_LIMIT_AUTH_MAX: String(attempts) });
  const c = client(t, (ip) => ({ headers: { 'x-forwarded-for': ip } }));
  const attacker = address();
  for (let i = 0; i < attempts; i++) await refused(await c.verify(attacker, newEmail(), '123456'), `email ${i + 1}`);
  const limited = await c.verify(attacker, newEmail(), '123456');
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.json().error.code, 'API_ERR_RATE_LIMITED');
});
