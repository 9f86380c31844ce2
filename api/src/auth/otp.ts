import { createHmac, randomInt } from 'node:crypto';
import type { cacheConnection } from '@avelon/core';
import type { CircuitBreaker } from '../cache/circuit-breaker.ts';
import { ApiError } from '../errors.ts';

type Redis = ReturnType<typeof cacheConnection>;

// Pending codes of an address: a sorted set of code HMACs scored by their expiry (ms since the epoch).
const codesKey = (email: string) => `avelon:otp:${email}`;
// Wrong codes from one client address for one email address.
const failuresKey = (email: string, client: string) => `avelon:otp-fail:${client}:${email}`;

// Checks a code atomically. Wrong attempts are counted per (email, client address), so a stranger's
// guesses lock out only the stranger. A right code, while the client has attempts left, signs in once:
// every pending code of the address and this client's count are deleted.
// KEYS: codes, failures. ARGV: hash, now ms, max attempts, ttl s. Returns 'ok', 'bad' or 'locked'.
const CHECK = `
local fails = tonumber(redis.call('GET', KEYS[2]) or '0')
if fails >= tonumber(ARGV[3]) then return 'locked' end
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if expiry and tonumber(expiry) > tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 'ok'
end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[4]) end
return 'bad'`;

/**
 * One-time sign-in codes in the cache Redis (no table needed): stored as HMACs, never in clear, each
 * with its expiry. A new request adds a code instead of replacing the pending one, so a stranger asking
 * for codes cannot void the owner's; only the newest `maxPending` are kept (memory stays bounded).
 */
export class OtpService {
  readonly #redis: Redis;
  readonly #breaker: CircuitBreaker;
  readonly #secret: string;
  readonly #ttlSeconds: number;
  readonly #maxAttempts: number;
  readonly #maxPending: number;

  constructor(options: {
    redis: Redis;
    breaker: CircuitBreaker;
    secret: string;
    ttlSeconds: number;
    maxAttempts: number;
    maxPending: number;
  }) {
    this.#redis = options.redis;
    this.#breaker = options.breaker;
    this.#secret = options.secret;
    this.#ttlSeconds = options.ttlSeconds;
    this.#maxAttempts = options.maxAttempts;
    this.#maxPending = options.maxPending;
  }

  get ttlSeconds(): number {
    return this.#ttlSeconds;
  }

  /** Creates and stores a new code for the address (the pending ones stay valid); returns it for the email job. */
  async issue(email: string): Promise<string> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const now = Date.now();
    const key = codesKey(email);
    await this.#call(() =>
      this.#redis
        .multi()
        .zremrangebyscore(key, '-inf', now)
        .zadd(key, now + this.#ttlSeconds * 1000, this.#hash(email, code))
        .zremrangebyrank(key, 0, -this.#maxPending - 1)
        .expire(key, this.#ttlSeconds)
        .exec(),
    );
    return code;
  }

  /**
   * True when the code is one of the address's pending codes and `client` (the caller's address) has
   * not used up its wrong attempts; a right code signs in once and voids every pending code.
   */
  async check(email: string, client: string, code: string): Promise<boolean> {
    const result = await this.#call(() =>
      this.#redis.eval(
        CHECK,
        2,
        codesKey(email),
        failuresKey(email, client),
        this.#hash(email, code),
        Date.now(),
        this.#maxAttempts,
        this.#ttlSeconds,
      ),
    );
    return result === 'ok';
  }

  #hash(email: string, code: string): string {
    return createHmac('sha256', this.#secret).update(`${email}\n${code}`).digest('base64url');
  }

  async #call<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.#breaker.available()) throw new ApiError('API_ERR_UNAVAILABLE', 'Sign-in is unavailable right now.');
    try {
      return await fn();
    } catch (error) {
      this.#breaker.failure();
      throw new ApiError('API_ERR_UNAVAILABLE', 'Sign-in is unavailable right now.', { cause: error });
    }
  }
}
