import { createHmac, randomInt } from 'node:crypto';
import type { cacheConnection } from '@avelon/core';
import type { CircuitBreaker } from '../cache/circuit-breaker.ts';
import { ApiError } from '../errors.ts';

type Redis = ReturnType<typeof cacheConnection>;

const otpKey = (email: string) => `avelon:otp:${email}`;

// Checks a code atomically: a right one deletes the record (single use); a wrong one spends an attempt
// and deletes the record when none is left. Returns 'ok', 'bad' or 'missing'.
const CHECK = `
local h = redis.call('HGET', KEYS[1], 'h')
if not h then return 'missing' end
if h == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 'ok'
end
local left = redis.call('HINCRBY', KEYS[1], 'n', -1)
if left <= 0 then redis.call('DEL', KEYS[1]) end
return 'bad'`;

/**
 * One-time sign-in codes in the cache Redis (no table needed): stored as an HMAC, never in clear, with
 * an expiry and a number of attempts. A new request replaces the previous code.
 */
export class OtpService {
  readonly #redis: Redis;
  readonly #breaker: CircuitBreaker;
  readonly #secret: string;
  readonly #ttlSeconds: number;
  readonly #maxAttempts: number;

  constructor(options: {
    redis: Redis;
    breaker: CircuitBreaker;
    secret: string;
    ttlSeconds: number;
    maxAttempts: number;
  }) {
    this.#redis = options.redis;
    this.#breaker = options.breaker;
    this.#secret = options.secret;
    this.#ttlSeconds = options.ttlSeconds;
    this.#maxAttempts = options.maxAttempts;
  }

  get ttlSeconds(): number {
    return this.#ttlSeconds;
  }

  /** Creates and stores a new code for the address; returns it for the email job. */
  async issue(email: string): Promise<string> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.#call(() =>
      this.#redis
        .multi()
        .del(otpKey(email))
        .hset(otpKey(email), 'h', this.#hash(email, code), 'n', String(this.#maxAttempts))
        .expire(otpKey(email), this.#ttlSeconds)
        .exec(),
    );
    return code;
  }

  /** True when the code is the current one for the address (and uses it up). */
  async check(email: string, code: string): Promise<boolean> {
    const result = await this.#call(() => this.#redis.eval(CHECK, 1, otpKey(email), this.#hash(email, code)));
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
