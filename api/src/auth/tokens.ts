import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/** What an access token says: who, with which session id, until when. */
export interface AccessClaims {
  userId: number;
  jti: string;
  /** Expiry, seconds since epoch. */
  exp: number;
}

/**
 * Short-lived HS256 access tokens (jose). The token only names a session (its jti); whether the session
 * is still valid is looked up server-side, so logout works before the token expires.
 */
export class TokenSigner {
  readonly #key: Uint8Array;
  readonly #issuer: string;
  readonly #ttlSeconds: number;

  constructor(secret: string, issuer: string, ttlSeconds: number) {
    this.#key = new TextEncoder().encode(secret);
    this.#issuer = issuer;
    this.#ttlSeconds = ttlSeconds;
  }

  async sign(userId: number): Promise<{ token: string; claims: AccessClaims }> {
    const jti = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.#ttlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(userId))
      .setJti(jti)
      .setIssuer(this.#issuer)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.#key);
    return { token, claims: { userId, jti, exp } };
  }

  /** The claims of a valid, unexpired token of ours; undefined for anything else. */
  async verify(token: string): Promise<AccessClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { issuer: this.#issuer, algorithms: ['HS256'] });
      const userId = Number(payload.sub);
      if (!Number.isSafeInteger(userId) || userId <= 0 || !payload.jti || !payload.exp) return undefined;
      return { userId, jti: payload.jti, exp: payload.exp };
    } catch {
      return undefined;
    }
  }
}
