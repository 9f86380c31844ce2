// Rate-limit identity against real API processes over real sockets, each attacker connecting from an
// address of its own on the loopback network (127.x.y.z): rotating X-Forwarded-For, Forwarded,
// X-Real-IP and friends per request must not buy a fresh budget. As configured by default (TRUST_PROXY
// empty) no such header counts; with a trusted proxy only the address that proxy appended counts, and
// a client that connects directly is judged by its socket. Sign-in limits follow the same identity.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type ApiProcess, closeDb, spawnApi, unique } from '../../support/api.ts';

interface Answer {
  status: number;
  code: string | undefined;
  remaining: string | undefined;
  nosniff: unknown;
}

/** One request from the local address `from` (a fresh connection: no socket shared between clients). */
function call(api: ApiProcess, from: string, path: string, headers: Record<string, string> = {}, body?: object) {
  const { hostname, port } = new URL(api.url);
  const payload = body && JSON.stringify(body);
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path,
        method: payload ? 'POST' : 'GET',
        localAddress: from,
        agent: false,
        headers: payload ? { ...headers, 'content-type': 'application/json' } : headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const remaining = res.headers['x-ratelimit-remaining'];
          let code: string | undefined;
          try {
            code = JSON.parse(text)?.error?.code;
          } catch {}
          resolve({
            status: res.statusCode ?? 0,
            code,
            remaining: typeof remaining === 'string' ? remaining : undefined,
            nosniff: res.headers['x-content-type-options'],
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

// Fresh buckets per run: addresses no earlier run counted (the windows live in the shared Redis).
const octet = () => 10 + Math.floor(Math.random() * 240);
const loopback = () => `127.${octet()}.${octet()}.${octet()}`;
const publicIp = () => `203.0.${octet()}.${octet()}`;
/** Every header a client might hope the API takes for its address, with a new address each time. */
const spoofs = (): Array<Record<string, string>> => [
  { 'x-forwarded-for': publicIp() },
  { 'x-forwarded-for': `${publicIp()}, ${publicIp()}` },
  { forwarded: `for=${publicIp()};proto=https` },
  { 'x-real-ip': publicIp() },
  { 'true-client-ip': publicIp(), 'cf-connecting-ip': publicIp(), 'x-client-ip': publicIp() },
];
const brands = '/api/v1/brands?limit=1';
const max = spoofs().length;
const limits = { RATE_LIMIT_GENERAL_MAX: String(max), RATE_LIMIT_AUTH_MAX: '2' };

/** `max` requests from `from`, each with other spoofed headers, count in one bucket; one more is a 429. */
async function exhausted(
  api: ApiProcess,
  from: string,
  spoofed: (h: Record<string, string>) => Record<string, string>,
) {
  for (const [i, h] of spoofs().entries()) {
    const res = await call(api, from, brands, spoofed(h));
    assert.equal(res.status, 200, `request ${i + 1} with ${JSON.stringify(h)}`);
    assert.equal(res.remaining, String(max - 1 - i), 'each request counts in the same bucket');
  }
  const limited = await call(api, from, brands, spoofed(spoofs()[0] ?? {}));
  assert.equal(limited.status, 429);
  assert.equal(limited.code, 'API_ERR_RATE_LIMITED');
  assert.equal(limited.nosniff, 'nosniff');
}
const asSent = (h: Record<string, string>) => h;

describe('no trusted proxy (the default configuration)', () => {
  let api: ApiProcess;
  before(async () => {
    api = await spawnApi({ ...limits, TRUST_PROXY: '' });
  });
  after(() => api?.stop());

  test('rotating forwarding headers does not escape the general limit; another client keeps its own', async () => {
    await exhausted(api, loopback(), asSent);
    assert.equal((await call(api, loopback(), brands)).status, 200, 'a different socket address is not limited');
  });

  test('sign-in: rotating headers and emails does not escape the per-address limit', async () => {
    const from = loopback();
    const otp = (h: Record<string, string>) =>
      call(api, from, '/api/v1/auth/otp', h, { email: `${unique('spoof')}@test.avelon.local` });
    assert.equal((await otp(spoofs()[0] ?? {})).status, 202);
    assert.equal((await otp(spoofs()[2] ?? {})).status, 202);
    const limited = await otp(spoofs()[3] ?? {});
    assert.equal(limited.status, 429);
    assert.equal(limited.code, 'API_ERR_RATE_LIMITED');
  });
});

describe('behind a trusted proxy (TRUST_PROXY=127.0.0.1)', () => {
  let api: ApiProcess;
  before(async () => {
    api = await spawnApi({ ...limits, TRUST_PROXY: '127.0.0.1' });
  });
  after(() => api?.stop());
  const proxy = '127.0.0.1';

  test('only the address the proxy appended counts: a client rotating what it sent itself is still limited', async () => {
    const client = publicIp();
    // The proxy appends the client's address to whatever X-Forwarded-For the client sent.
    await exhausted(api, proxy, (h) => ({
      ...h,
      'x-forwarded-for': `${h['x-forwarded-for'] ?? publicIp()}, ${client}`,
    }));
    assert.equal(
      (await call(api, proxy, brands, { 'x-forwarded-for': publicIp() })).status,
      200,
      'another client behind the proxy has its own budget',
    );
  });

  test('a client connecting directly (not through the proxy) is judged by its socket, whatever it claims', async () => {
    await exhausted(api, loopback(), asSent);
  });

  test('sign-in through the proxy: spoofed prefixes do not reset the per-address limit', async () => {
    const client = publicIp();
    const otp = () =>
      call(
        api,
        proxy,
        '/api/v1/auth/otp',
        { 'x-forwarded-for': `${publicIp()}, ${client}` },
        {
          email: `${unique('proxied')}@test.avelon.local`,
        },
      );
    assert.equal((await otp()).status, 202);
    assert.equal((await otp()).status, 202);
    const limited = await otp();
    assert.equal(limited.status, 429);
    assert.equal(limited.code, 'API_ERR_RATE_LIMITED');
  });
});

after(() => closeDb());
