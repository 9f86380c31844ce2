import type { cacheConnection } from '@avelon/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Counter } from 'prom-client';
import type { CircuitBreaker } from '../cache/circuit-breaker.ts';
import type { TtlRegistry } from '../cache/ttl-registry.ts';
import { ApiError } from '../errors.ts';
import type { Subscriber } from '../redis/subscriber.ts';
import type { AccessClaims } from './tokens.ts';

type Redis = ReturnType<typeof cacheConnection>;

/** The signed-in user of a request. */
export interface AuthUser {
  id: number;
  role: 'customer' | 'admin';
  jti: string;
}

/** Redis keys of sessions: by token id (never the token itself), and each user's set of token ids. */
const sessionKey = (jti: string) => `avelon:sess:${jti}`;
const userSessionsKey = (userId: number) => `avelon:sess:user:${userId}`;
/** Published after a revocation: `{"jti":"..."}` or `{"userId":1}`. */
export const sessionRevokedChannel = 'avelon:sess:revoked';

interface Local {
  user: AuthUser;
  checkedAt: number;
  /** Token expiry in ms: a cached check never outlives the token. */
  expMs: number;
}

export interface SessionServiceOptions {
  redis: Redis;
  breaker: CircuitBreaker;
  ttls: TtlRegistry;
  busHealthy: () => boolean;
  degradedMaxAgeMs: number;
  checks: Counter<string>;
  revocations: Counter<string>;
  log: FastifyBaseLogger;
}

/**
 * Sessions in the queue Redis (no eviction, on disk: a cache Redis restart signs nobody out), keyed by
 * the token's jti and living exactly as long as the token. A verified session is remembered in memory
 * for the `session` TTL class; a revocation is published so
 * every instance forgets it at once (and while messages cannot arrive, memory is trusted for at most
 * `degradedMaxAgeMs`). Logout-all deletes every session id in the user's set.
 */
export class SessionService {
  readonly #o: SessionServiceOptions;
  readonly #local = new Map<string, Local>();

  constructor(options: SessionServiceOptions) {
    this.#o = options;
  }

  start(subscriber: Subscriber | undefined): void {
    subscriber?.on(sessionRevokedChannel, (raw) => {
      const message = JSON.parse(raw) as { jti?: string; userId?: number };
      if (message.jti) this.#local.delete(message.jti);
      if (message.userId !== undefined) this.#forgetUser(message.userId);
    });
    // Revocations may have been missed while unsubscribed.
    subscriber?.onResync(() => this.#local.clear());
  }

  /** Stores a new session for a freshly signed token. */
  async create(claims: AccessClaims, role: AuthUser['role']): Promise<void> {
    const ttlMs = claims.exp * 1000 - Date.now();
    const { redis } = this.#o;
    if (!this.#o.breaker.available()) throw new ApiError('API_ERR_UNAVAILABLE', 'Sign-in is unavailable right now.');
    try {
      await redis
        .multi()
        .set(sessionKey(claims.jti), `${claims.userId}|${role}`, 'PX', ttlMs)
        .sadd(userSessionsKey(claims.userId), claims.jti)
        // Every token lives the same time, so the newest one bounds the set's life.
        .pexpire(userSessionsKey(claims.userId), ttlMs)
        .exec();
    } catch (error) {
      this.#o.breaker.failure();
      throw new ApiError('API_ERR_UNAVAILABLE', 'Sign-in is unavailable right now.', { cause: error });
    }
  }

  /** The user of a verified token whose session is still valid; throws 401 or 503 otherwise. */
  async resolve(claims: AccessClaims): Promise<AuthUser> {
    const now = Date.now();
    // A session serves only the token it was issued with: one naming another user (signed with a leaked
    // key around someone's session id) is refused instead of being read as the session's user.
    const cached = this.#local.get(claims.jti);
    const local = cached?.user.id === claims.userId ? cached : undefined;
    const maxAge = this.#o.busHealthy() ? this.#o.ttls.ms('session') : this.#o.degradedMaxAgeMs;
    if (local && now - local.checkedAt < maxAge && now < local.expMs) {
      this.#o.checks.labels('memory', 'valid').inc();
      return local.user;
    }
    let value: string | null | undefined;
    let cause: unknown;
    if (this.#o.breaker.available()) {
      try {
        value = await this.#o.redis.get(sessionKey(claims.jti));
      } catch (error) {
        this.#o.breaker.failure();
        cause = error;
      }
    }
    if (value === undefined) {
      // Without Redis the session cannot be checked: a session seen valid before still is, others wait.
      if (local && now < local.expMs) {
        this.#o.checks.labels('memory', 'valid').inc();
        return local.user;
      }
      this.#o.checks.labels('redis', 'unavailable').inc();
      throw new ApiError('API_ERR_UNAVAILABLE', 'Sessions cannot be checked right now.', { cause });
    }
    if (value === null) {
      this.#local.delete(claims.jti);
      this.#o.checks.labels('redis', 'revoked').inc();
      throw new ApiError('API_ERR_UNAUTHENTICATED', 'The session has ended; sign in again.');
    }
    const [id, role] = value.split('|');
    if (Number(id) !== claims.userId) {
      // Not this token's session: for this token it is as good as ended (the session itself stays).
      this.#o.checks.labels('redis', 'revoked').inc();
      throw new ApiError('API_ERR_UNAUTHENTICATED', 'The token is invalid or expired.');
    }
    const user: AuthUser = { id: Number(id), role: role === 'admin' ? 'admin' : 'customer', jti: claims.jti };
    this.#local.set(claims.jti, { user, checkedAt: now, expMs: claims.exp * 1000 });
    if (this.#local.size > 100_000) this.#local.delete(this.#local.keys().next().value as string);
    this.#o.checks.labels('redis', 'valid').inc();
    return user;
  }

  /** Ends one session (logout). */
  async revoke(user: AuthUser): Promise<void> {
    this.#local.delete(user.jti);
    await this.#write(async (redis) => {
      await redis.multi().del(sessionKey(user.jti)).srem(userSessionsKey(user.id), user.jti).exec();
      await redis.publish(sessionRevokedChannel, JSON.stringify({ jti: user.jti }));
    });
    this.#o.revocations.labels('logout').inc();
  }

  /** Ends every session of the user (logout-all). */
  async revokeAll(userId: number): Promise<void> {
    this.#forgetUser(userId);
    await this.#write(async (redis) => {
      const jtis = await redis.smembers(userSessionsKey(userId));
      await redis.del(userSessionsKey(userId), ...jtis.map(sessionKey));
      await redis.publish(sessionRevokedChannel, JSON.stringify({ userId }));
    });
    this.#o.revocations.labels('logout_all').inc();
  }

  #forgetUser(userId: number): void {
    for (const [jti, entry] of this.#local) if (entry.user.id === userId) this.#local.delete(jti);
  }

  async #write(run: (redis: Redis) => Promise<void>): Promise<void> {
    try {
      await run(this.#o.redis);
    } catch (error) {
      this.#o.breaker.failure();
      throw new ApiError('API_ERR_UNAVAILABLE', 'Sessions cannot be changed right now.', { cause: error });
    }
  }
}
