import { createRequire } from 'node:module';
import type { Counter } from 'prom-client';
import type { CircuitBreaker } from '../cache/circuit-breaker.ts';
import { ApiError } from '../errors.ts';
import type { StoreCallback } from './batched-store.ts';

/** @fastify/rate-limit's store contract. */
export interface Store {
  incr(key: string, cb: StoreCallback, timeWindow: number, max: number): void;
  child(options: Record<string, unknown>): Store;
}
type RedisStoreCtor = new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: unknown,
  key?: string,
) => Store;
// The plugin's own Redis store (its Lua script); it ships without type declarations.
const RedisStore = createRequire(import.meta.url)('@fastify/rate-limit/store/RedisStore.js') as RedisStoreCtor;

export interface ExactStoreOptions {
  redis: unknown;
  breaker: CircuitBreaker;
  /** Redis key prefix. */
  prefix: string;
  /** Redis unreachable: true lets the request through, false answers 503. */
  failOpen: boolean;
  storeErrors: Counter<string>;
}

/**
 * One Redis round trip per check (the plugin's Lua script), through the circuit breaker, counting what
 * the policy did when Redis cannot be reached. For the small security limits (sign-in, checkout, writes),
 * where a batched count could overshoot a limit of 3 many times over; their routes do database work anyway.
 */
export class ExactRedisStore implements Store {
  readonly #o: ExactStoreOptions;
  readonly #inner: Store;
  readonly #limit: string;

  constructor(options: ExactStoreOptions, limit: string, inner?: Store) {
    this.#o = options;
    this.#inner = inner ?? new RedisStore(false, false, options.redis, options.prefix);
    this.#limit = limit;
  }

  incr(key: string, cb: StoreCallback, timeWindow: number, max: number): void {
    const fail = (cause: unknown) => {
      this.#o.storeErrors.labels(this.#limit, this.#o.failOpen ? 'allowed' : 'rejected').inc();
      cb(
        new ApiError('API_ERR_UNAVAILABLE', 'Rate limiting is unavailable.', {
          cause,
          headers: { 'retry-after': '1' },
        }),
      );
    };
    if (!this.#o.breaker.available()) {
      fail(new Error('cache Redis unavailable'));
      return;
    }
    this.#inner.incr(
      key,
      (error, result) => {
        if (error) {
          this.#o.breaker.failure();
          fail(error);
          return;
        }
        cb(null, result);
      },
      timeWindow,
      max,
    );
  }

  /** Called by `createRateLimit` with the limit's options; `limitName` labels the metrics. */
  child(options: Record<string, unknown>): Store {
    const limit = typeof options.limitName === 'string' ? options.limitName : this.#limit;
    return new ExactRedisStore(this.#o, limit, this.#inner.child(options));
  }
}
