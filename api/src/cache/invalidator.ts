import { type CacheInvalidationMessage, type cacheConnection, cacheInvalidationChannel, cacheTags } from '@avelon/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Counter } from 'prom-client';
import type { Subscriber } from '../redis/subscriber.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import type { L2Store } from './l2-store.ts';
import type { TwoTierCache } from './two-tier-cache.ts';

type Redis = ReturnType<typeof cacheConnection>;

export interface InvalidatorOptions {
  cache: TwoTierCache;
  l2: L2Store | undefined;
  redis: Redis;
  breaker: CircuitBreaker;
  /** This instance's id: its own messages are not applied twice. */
  origin: string;
  counter: Counter<string>;
  log: FastifyBaseLogger;
}

/**
 * Invalidates by tag everywhere, in the request that wrote: Redis first (new tag generations), then
 * this instance's memory, then a message that makes every other instance drop its copies. The order
 * matters: dropping memory before Redis would let a concurrent request refill it from the old value.
 *
 * If Redis cannot be written, the old values in Redis would match again once it is back; so the
 * invalidator remembers that, and on recovery invalidates the global tag (all of Redis's values) before
 * anything else. Meanwhile other instances, which miss messages too, cap the age of their memory copies.
 */
export class CacheInvalidator {
  readonly #o: InvalidatorOptions;
  #mustFlushAll = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #listeners: ((tags: readonly string[]) => void)[] = [];

  constructor(options: InvalidatorOptions) {
    this.#o = options;
  }

  start(subscriber: Subscriber | undefined): void {
    subscriber?.on(cacheInvalidationChannel, (raw) => {
      const message = JSON.parse(raw) as CacheInvalidationMessage;
      if (message.origin === this.#o.origin || !Array.isArray(message.tags)) return;
      this.#applyLocal(message.tags);
      this.#o.counter.labels('remote').inc();
    });
    // Messages may have been missed while unsubscribed: nothing in memory can be trusted.
    // Not an invalidation storm (no listener runs): values come back from Redis as they are asked for.
    subscriber?.onResync(() => this.#o.cache.clearLocal());
    this.#timer = setInterval(() => void this.#flushIfNeeded(), 250).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Invalidates `tags` in Redis, here and in every other instance; never throws. */
  async invalidate(tags: readonly string[]): Promise<void> {
    const unique = [...new Set(tags)];
    const { l2, breaker, redis, origin } = this.#o;
    let redisOk = breaker.available();
    if (redisOk && l2) {
      try {
        await l2.invalidate(unique);
      } catch (error) {
        redisOk = false;
        breaker.failure();
        this.#o.log.warn({ err: error, tags: unique }, 'cache invalidation could not reach Redis');
      }
    }
    this.#applyLocal(unique);
    this.#o.counter.labels('local').inc();
    if (!redisOk) {
      this.#mustFlushAll = true;
      return;
    }
    const message: CacheInvalidationMessage = { tags: unique, origin };
    await redis.publish(cacheInvalidationChannel, JSON.stringify(message)).catch((error: unknown) => {
      breaker.failure();
      this.#mustFlushAll = true;
      this.#o.log.warn({ err: error }, 'cache invalidation message could not be published');
    });
  }

  /** Called with the tags of every invalidation applied here, local or remote (the cache warmer listens). */
  onApplied(listener: (tags: readonly string[]) => void): void {
    this.#listeners.push(listener);
  }

  #applyLocal(tags: readonly string[]): void {
    if (tags.includes(cacheTags.all)) this.#o.cache.clearLocal();
    else this.#o.cache.invalidateLocal(tags);
    for (const listener of this.#listeners) listener(tags);
  }

  async #flushIfNeeded(): Promise<void> {
    if (!this.#mustFlushAll || !this.#o.breaker.available()) return;
    this.#mustFlushAll = false;
    this.#o.log.info('cache Redis is back: invalidating every cached value written before the outage');
    await this.invalidate([cacheTags.all]);
  }
}
