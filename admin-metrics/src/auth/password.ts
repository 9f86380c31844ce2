import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Admin passwords as scrypt hashes (node:crypto, no native dependency): `scrypt$N$r$p$salt$hash`, salt
 * and hash in base64url. scrypt is memory-hard, so a leaked hash is expensive to brute-force.
 */
const params = { N: 16384, r: 8, p: 1 } as const;
const keyLength = 32;

const derive = (password: string, salt: Buffer, o: ScryptOptions, length: number) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, length, { ...o, maxmem: 64 * 1024 * 1024 }, (e, key) => (e ? reject(e) : resolve(key))),
  );

/** A new hash of `password` with a random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params, keyLength);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `hash` is well-formed (checked at start-up, so a typo in the Secret is not a silent lock-out). */
export function isPasswordHash(hash: string): boolean {
  const [kind, n, r, p, salt, key] = hash.split('$');
  return kind === 'scrypt' && [n, r, p].every((v) => /^\d+$/.test(v ?? '')) && !!salt && !!key;
}

/** Checks a password against a hash in constant time (for equal lengths). */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (!isPasswordHash(hash)) return false;
  const [, n, r, p, salt = '', key = ''] = hash.split('$');
  const want = Buffer.from(key, 'base64url');
  const got = await derive(
    password,
    Buffer.from(salt, 'base64url'),
    { N: Number(n), r: Number(r), p: Number(p) },
    want.length,
  );
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Plain comparison for the local stack's ADMIN_PASSWORD, in constant time. */
export function samePlain(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Compare equal-length buffers either way, so timing does not reveal the length match.
  return timingSafeEqual(a.length === b.length ? a : b, b) && a.length === b.length;
}
