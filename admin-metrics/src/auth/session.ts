import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The session cookie: `user.expiry.signature`, HMAC-SHA256 with SESSION_SECRET. Stateless (nothing
 * to store, any replica can check it), short-lived, and it says nothing but who and until when.
 */
export const sessionCookieName = 'avelon_admin';

const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

/** A cookie value for `user`, valid until `now + ttlSeconds`. */
export function issueSession(secret: string, user: string, ttlSeconds: number, now = Date.now()): string {
  const payload = `${Buffer.from(user).toString('base64url')}.${Math.floor(now / 1000) + ttlSeconds}`;
  return `${payload}.${sign(secret, payload)}`;
}

/** The user of a valid, unexpired cookie value; undefined for anything else. */
export function readSession(secret: string, value: string | undefined, now = Date.now()): string | undefined {
  if (!value) return undefined;
  const parts = value.split('.');
  if (parts.length !== 3) return undefined;
  const [user, expiry, signature] = parts as [string, string, string];
  const want = Buffer.from(sign(secret, `${user}.${expiry}`));
  const got = Buffer.from(signature);
  if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
  if (!/^\d+$/.test(expiry) || Number(expiry) * 1000 <= now) return undefined;
  return Buffer.from(user, 'base64url').toString();
}
