import {
  type CacheClass,
  cacheClasses,
  type cacheConnection,
  cacheTtlChannel,
  cacheTtlHashKey,
  defaultCacheTtlSeconds,
  parseCacheTtls,
} from '@avelon/core';
import type { Gauge } from 'prom-client';
import type { Subscriber } from '../redis/subscriber.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';

type Redis = ReturnType<typeof cacheConnection>;

/**
 * The TTL in force for each cache class. The operator writes overrides into a Redis hash (contract:
 * core/src/cache/ttl-contract.ts); this re-reads it on every change message and, in case a message
 * is missed, every `pollMs`. Lookups are a property read: TTLs are checked on every cache hit.
 */
export class TtlRegistry {
  readonly #ms: Record<CacheClass, number>;
  readonly #redis: Redis;
  readonly #breaker: CircuitBreaker;
  readonly #gauge: Gauge<string>;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: { redis: Redis; breaker: CircuitBreaker; gauge: Gauge<string>; pollMs: number }) {
    this.#redis = options.redis;
    this.#breaker = options.breaker;
    this.#gauge = options.gauge;
    this.#pollMs = options.pollMs;
    this.#ms = { ...defaultCacheTtlSeconds };
    this.#apply(defaultCacheTtlSeconds);
  }

  /** TTL of a class in milliseconds. */
  ms(cls: CacheClass): number {
    return this.#ms[cls];
  }

  /** Listens for change messages and starts polling; resolves after the first read. */
  async start(subscriber: Subscriber | undefined): Promise<void> {
    subscriber?.on(cacheTtlChannel, () => void this.refresh());
    subscriber?.onResync(() => void this.refresh());
    await this.refresh();
    const tick = () => {
      this.#timer = setTimeout(() => void this.refresh().finally(tick), this.#pollMs).unref();
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Re-reads the overrides; keeps the last known values while Redis is unreachable. */
  async refresh(): Promise<void> {
    const raw = await this.#breaker.run(() => this.#redis.hgetall(cacheTtlHashKey), undefined);
    if (raw) this.#apply(parseCacheTtls(raw));
  }

  #apply(seconds: Readonly<Record<CacheClass, number>>): void {
    for (const cls of cacheClasses) {
      const ms = seconds[cls] * 1000;
      this.#gauge.labels(cls).set(seconds[cls]);
      this.#ms[cls] = ms;
    }
  }
}
