// Attacks on bearer tokens through app.inject(): tokens crafted by hand (wrong key, alg none, another
// algorithm, expired, not yet valid, another issuer, a tampered payload), revoked sessions, the token of
// a deleted account and malformed Authorization headers. Each is a 401 with API_ERR_UNAUTHENTICATED,
// never a 500, and nothing is written. A token signed with the real key still cannot pick its user or
// role: both come from the server-side session.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  closeDb,
  createBrand,
  createProduct,
  createUser,
  db,
  replicaCaughtUp,
  startApp,
  type TestApp,
  tokenFor,
} from '../../support/api.ts';

let t: TestApp;
let key: string;
let issuer: string;
before(async () => {
  t = await startApp();
  key = t.app.config.JWT_SECRET;
  issuer = t.app.config.JWT_ISSUER;
});
after(async () => {
  await t.close();
  await closeDb();
});

const b64 = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
/** A JWS made by hand, as an attacker would: HS256/384/512 with `secret`, or unsigned for alg none. */
function jwt(header: Record<string, unknown>, payload: Record<string, unknown>, secret = key): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const alg = String(header.alg);
  if (!alg.startsWith('HS')) return `${input}.`;
  return `${input}.${createHmac(`sha${alg.slice(2)}`, secret)
    .update(input)
    .digest('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());

const get = (url: string, authorization?: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: authorization === undefined ? {} : { authorization } });
async function unauthenticated(res: Awaited<ReturnType<typeof get>>, what: string) {
  assert.equal(res.statusCode, 401, `${what}: ${res.body}`);
  assert.equal(res.json().error.code, 'API_ERR_UNAUTHENTICATED', what);
}

/** A customer with a real session; the claims are the ones the API signed. */
async function customer() {
  const user = await createUser();
  const token = await tokenFor(t.app, { id: user.id, role: 'customer' });
  return { user, token, claims: claimsOf(token) as { sub: string; jti: string; exp: number; iat: number } };
}

describe('crafted tokens naming a live session', () => {
  test('wrong key, alg none, another HMAC algorithm, expired, not yet valid, another issuer: 401', async () => {
    const { token, claims } = await customer();
    // The genuine token works: every refusal below is about what was changed.
    assert.equal((await get('/users/me', `Bearer ${token}`)).statusCode, 200);
    const valid = { ...claims, iss: issuer, exp: now() + 600 };
    const cases: Array<[string, string]> = [
      ['signed with another key', jwt({ alg: 'HS256', typ: 'JWT' }, valid, `${key}-not`)],
      ['alg none, no signature', jwt({ alg: 'none', typ: 'JWT' }, valid)],
      ['alg none with the original signature', `${b64({ alg: 'none' })}.${b64(valid)}.${token.split('.')[2]}`],
      ['HS512 with the right key (algorithm not pinned?)', jwt({ alg: 'HS512' }, valid)],
      ['expired a minute ago', jwt({ alg: 'HS256' }, { ...valid, exp: now() - 60 })],
      ['not valid before an hour from now', jwt({ alg: 'HS256' }, { ...valid, nbf: now() + 3600 })],
      ['another issuer', jwt({ alg: 'HS256' }, { ...valid, iss: 'someone-else' })],
      ['no expiry', jwt({ alg: 'HS256' }, { sub: claims.sub, jti: claims.jti, iss: issuer })],
      ['no session id', jwt({ alg: 'HS256' }, { sub: claims.sub, iss: issuer, exp: valid.exp })],
      ['a session id that does not exist', jwt({ alg: 'HS256' }, { ...valid, jti: randomUUID() })],
      ['sub not a user id', jwt({ alg: 'HS256' }, { ...valid, sub: '1 OR 1=1' })],
    ];
    for (const [what, forged] of cases) await unauthenticated(await get('/users/me', `Bearer ${forged}`), what);
  });

  test('a tampered payload (another user, role admin) keeps the old signature: 401, and the admin route refuses it', async () => {
    const { token, claims } = await customer();
    const admin = await createUser('admin');
    const [header, , signature] = token.split('.');
    const tampered = `${header}.${b64({ ...claims, sub: String(admin.id), role: 'admin' })}.${signature}`;
    await unauthenticated(await get('/users/me', `Bearer ${tampered}`), 'tampered payload');
    const brand = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/brands',
      headers: { authorization: `Bearer ${tampered}` },
      payload: { slug: `pwned-${claims.jti.slice(0, 8)}`, title: 'pwned' },
    });
    await unauthenticated(brand, 'tampered token on an admin route');
    const { rowCount } = await db().query('SELECT 1 FROM brands WHERE slug = $1', [`pwned-${claims.jti.slice(0, 8)}`]);
    assert.equal(rowCount, 0, 'no brand was created');
  });

  test('even with the real key, claims choose neither the user nor the role: the session does', async () => {
    const { user, claims } = await customer();
    const admin = await createUser('admin');
    const exp = now() + 600;
    // The customer's own session, with an admin role claim: still the customer, still no admin route.
    const roleClaim = jwt({ alg: 'HS256' }, { ...claims, exp, role: 'admin', admin: true });
    const me = await get('/users/me', `Bearer ${roleClaim}`);
    assert.equal(me.statusCode, 200, me.body);
    assert.deepEqual([me.json().id, me.json().role], [user.id, 'customer']);
    const brand = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/brands/${(await createBrand()).id}`,
      headers: { authorization: `Bearer ${roleClaim}` },
    });
    assert.equal(brand.statusCode, 403, brand.body);
    assert.equal(brand.json().error.code, 'API_ERR_FORBIDDEN');
    // The customer's session id under the admin's user id: a session serves only the user it was made for.
    const otherSub = jwt({ alg: 'HS256' }, { ...claims, exp, sub: String(admin.id) });
    await unauthenticated(await get('/users/me', `Bearer ${otherSub}`), 'session of another user');
  });
});

describe('revoked sessions', () => {
  test('after logout the token is refused everywhere, including logout itself', async () => {
    const { token } = await customer();
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: auth })).statusCode, 204);
    for (const url of ['/users/me', '/cart', '/orders']) await unauthenticated(await get(url, `Bearer ${token}`), url);
    await unauthenticated(
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: auth }),
      'logout twice',
    );
  });

  test('a revoked admin session is 401 on admin routes (not 403) and changes nothing', async () => {
    const admin = await createUser('admin');
    const token = await tokenFor(t.app, { id: admin.id, role: 'admin' });
    const brand = await createBrand();
    await t.app.sessions.revokeAll(admin.id);
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/brands/${brand.id}`,
      headers: { authorization: `Bearer ${token}` },
      payload: { title: 'renamed by a revoked admin' },
    });
    await unauthenticated(res, 'revoked admin');
    const { rows } = await db().query('SELECT title FROM brands WHERE id = $1', [brand.id]);
    assert.equal(rows[0]?.title, `Brand ${brand.slug}`);
  });

  test('a session deleted on the server (revoked by an operator) ends at once', async () => {
    const { token, claims } = await customer();
    assert.equal((await get('/users/me', `Bearer ${token}`)).statusCode, 200);
    await t.app.sessions.revoke({ id: Number(claims.sub), role: 'customer', jti: claims.jti });
    await unauthenticated(await get('/users/me', `Bearer ${token}`), 'server-side revocation');
  });
});

describe('the token of a deleted account', () => {
  test('is 401 (never 404 or 500), nothing is written for it, and all of its sessions end', async () => {
    const { user, token } = await customer();
    const second = await tokenFor(t.app, { id: user.id, role: 'customer' });
    const product = await createProduct({ brandId: (await createBrand()).id });
    await db().query('DELETE FROM users WHERE id = $1', [user.id]);
    await replicaCaughtUp();
    const auth = { authorization: `Bearer ${token}` };
    const add = await t.app.inject({
      method: 'POST',
      url: '/api/v1/cart/items',
      headers: auth,
      payload: { productId: product.id },
    });
    await unauthenticated(add, 'POST /cart/items');
    const { rowCount } = await db().query('SELECT 1 FROM carts WHERE user_id = $1', [user.id]);
    assert.equal(rowCount, 0, 'no cart for a deleted user');
    // The first refusal ended every session of the account, this token's and the other one.
    await unauthenticated(await get('/cart', `Bearer ${token}`), 'GET /cart afterwards');
    await unauthenticated(await get('/orders', `Bearer ${second}`), 'another session afterwards');
  });

  test('GET and PATCH /users/me are 401 too', async () => {
    for (const method of ['GET', 'PATCH'] as const) {
      const { user, token } = await customer();
      await db().query('DELETE FROM users WHERE id = $1', [user.id]);
      await replicaCaughtUp();
      const res = await t.app.inject({
        method,
        url: '/api/v1/users/me',
        headers: { authorization: `Bearer ${token}` },
        ...(method === 'PATCH' ? { payload: { name: 'ghost' } } : {}),
      });
      await unauthenticated(res, `${method} /users/me`);
    }
  });
});

test('malformed Authorization headers are 401 with a code, never 500', async () => {
  const { token } = await customer();
  const [h, p, s] = token.split('.');
  const headers = [
    '',
    'Bearer',
    'Bearer ',
    'Bearer    ',
    `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    `Token ${token}`,
    token,
    `Bearer ${token} ${token}`,
    `Bearer ${token},Bearer ${token}`,
    `Bearer ${h}.${p}`,
    `Bearer ${h}.${p}.${s}.${s}`,
    `Bearer ${h}.${p}.${s}.${s}.${s}`,
    `Bearer ..`,
    `Bearer ${b64('{"alg":')}.${p}.${s}`,
    `Bearer ${b64('[]')}.${b64('[]')}.${s}`,
    `Bearer ${b64('{"alg":"HS256","crit":["exp"]}')}.${p}.${s}`,
    `Bearer ${'A'.repeat(8000)}`,
    `Bearer ${h}.${'A'.repeat(6000)}.${s}`,
    'Bearer %00%ff.%%.~!',
  ];
  for (const header of headers)
    await unauthenticated(await get('/users/me', header), JSON.stringify(header.slice(0, 60)));
});
