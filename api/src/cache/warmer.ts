import { randomBytes } from 'node:crypto';
import type { cacheConnection } from '@avelon/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Counter } from 'prom-client';
import type { CircuitBreaker } from './circuit-breaker.ts';

type Redis = ReturnType<typeof cacheConnection>;

/** Sorted set of the cache Redis: popular public GET URLs, scored by sampled requests, decayed by half every period. */
export const popularUrlsKey = 'avelon:cache:popular';
const decayLockKey = 'avelon:cache:popular:decayed';

/** Header of the warmer's own requests: they skip the rate limiter and are not counted as popular. */
export const warmHeader = 'x-avelon-warm';

export type WarmReason = 'start' | 'invalidation';

export interface CacheWarmerOptions {
  redis: Redis;
  breaker: CircuitBreaker;
  /** Sends one GET through the whole route (cache lookup, load on a miss) and returns the status code. */
  request: (url: string, headers: Record<string, string>) => Promise<number>;
  /** How many of the most popular URLs the start-up warm-up requests. */
  keys: number;
  /**
   * How many a re-warm after a coarse invalidation requests, and how often at most: a steady trickle of
   * price changes invalidates every list each time, and re-requesting thousands of lists per write would
   * cost the database more than the shoppers' own misses.
   */
  rewarmKeys: number;
  rewarmIntervalMs: number;
  concurrency: number;
  /** One request in this many is counted towards popularity. */
  sampleEvery: number;
  flushMs: number;
  decaySeconds: number;
  requests: Counter<string>;
  log: FastifyBaseLogger;
}

/**
 * Keeps the cache hot where shoppers are. Every instance samples the public GETs it serves into a
 * popularity set shared in Redis (a score per URL, halved every `decaySeconds` so yesterday's sale
 * fades); a new instance requests the most popular URLs before traffic finds them cold, and after an
 * invalidation storm (a coarse tag such as every product list) each instance re-requests them in the
 * background, so the first shoppers after a bulk price change do not all wait for the database.
 *
 * Warming goes through the routes themselves (Fastify's inject): the cache key, tags and loader stay
 * defined in one place, and a value another instance already reloaded comes from Redis, not the database.
 */
export class CacheWarmer {
  readonly #o: CacheWarmerOptions;
  /** Random per process: only this process's own injected requests can carry it. */
  readonly #token = randomBytes(16).toString('hex');
  readonly #counts = new Map<string, number>();
  #flushTimer: NodeJS.Timeout | undefined;
  #rewarmTimer: NodeJS.Timeout | undefined;
  #warming: Promise<void> | undefined;
  #rewarmAgain = false;
  #lastRewarmAt = Number.NEGATIVE_INFINITY;

  constructor(options: CacheWarmerOptions) {
    this.#o = options;
  }

  start(): void {
    this.#flushTimer = setInterval(() => void this.flush(), this.#o.flushMs).unref();
  }

  stop(): void {
    clearInterval(this.#flushTimer);
    clearTimeout(this.#rewarmTimer);
  }

  isWarmRequest(header: string | string[] | undefined): boolean {
    return header === this.#token;
  }

  /** Whether this request is one of the sampled ones: drawn first, so most requests cost one random number. */
  sampled(): boolean {
    return Math.random() * this.#o.sampleEvery < 1;
  }

  /** Counts one served public GET (that was sampled) towards popularity. */
  record(url: string): void {
    this.#counts.set(url, (this.#counts.get(url) ?? 0) + 1);
  }

  /** Adds the sampled counts to the shared set in one round trip, trims it, and halves it once a period. */
  async flush(): Promise<void> {
    if (this.#counts.size === 0 || !this.#o.breaker.available()) return;
    const counts = [...this.#counts];
    this.#counts.clear();
    const { redis } = this.#o;
    const pipeline = redis.pipeline();
    for (const [url, n] of counts) pipeline.zincrby(popularUrlsKey, n, url);
    // Room for twice what a warm-up requests: the ranks just below the cut still compete.
    pipeline.zremrangebyrank(popularUrlsKey, 0, -(this.#o.keys * 2 + 1));
    pipeline.set(decayLockKey, '1', 'EX', this.#o.decaySeconds, 'NX');
    try {
      const results = await pipeline.exec();
      // The instance that set the lock halves every score for this period.
      if (results?.at(-1)?.[1] === 'OK') await redis.zunionstore(popularUrlsKey, 1, popularUrlsKey, 'WEIGHTS', 0.5);
    } catch (error) {
      this.#o.log.debug({ err: error }, 'cache popularity could not be recorded');
    }
  }

  /** Requests the most popular URLs; resolves when done. Concurrent calls share one run. */
  warm(reason: WarmReason): Promise<void> {
    if (this.#warming) {
      this.#rewarmAgain ||= reason === 'invalidation';
      return this.#warming;
    }
    this.#warming = this.#run(reason).finally(() => {
      this.#warming = undefined;
      if (this.#rewarmAgain) {
        this.#rewarmAgain = false;
        this.scheduleRewarm();
      }
    });
    return this.#warming;
  }

  /**
   * The start-up warm-up, before the process takes traffic: warming while serving would put thousands of
   * in-process requests beside the first shoppers' (measured: p99 several times higher in the first
   * seconds). Waits at most `timeoutMs`; what is left then goes on in the background.
   */
  async warmBeforeServing(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.warm('start'), timeout]);
    clearTimeout(timer);
  }

  /**
   * After a coarse invalidation: warm again shortly, once for a burst of invalidations. The delay has
   * a random part so that instances do not all reload the same keys in the same instant.
   */
  scheduleRewarm(baseDelayMs = 500): void {
    if (this.#rewarmTimer) return;
    const paced = Math.max(0, this.#lastRewarmAt + this.#o.rewarmIntervalMs - Date.now());
    this.#rewarmTimer = setTimeout(
      () => {
        this.#rewarmTimer = undefined;
        this.#lastRewarmAt = Date.now();
        void this.warm('invalidation');
      },
      paced + baseDelayMs + Math.random() * baseDelayMs,
    ).unref();
  }

  async #run(reason: WarmReason): Promise<void> {
    const { redis, breaker, concurrency, log } = this.#o;
    const keys = reason === 'start' ? this.#o.keys : Math.min(this.#o.keys, this.#o.rewarmKeys);
    if (keys === 0 || !breaker.available()) return;
    let urls: string[];
    try {
      urls = await redis.zrevrange(popularUrlsKey, 0, keys - 1);
    } catch (error) {
      log.debug({ err: error }, 'cache warm-up skipped: the popularity set is unreadable');
      return;
    }
    const started = Date.now();
    let ok = 0;
    let failed = 0;
    const headers = { [warmHeader]: this.#token };
    const next = urls.values();
    const worker = async () => {
      for (const url of next) {
        const status = await this.#o.request(url, headers).catch(() => 0);
        const good = status > 0 && status < 500;
        if (good) ok++;
        else failed++;
        this.#o.requests.labels(reason, good ? 'ok' : 'error').inc();
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
    log.info({ reason, urls: urls.length, ok, failed, ms: Date.now() - started }, 'cache warmed');
  }
}

/** Tags whose invalidation empties many values at once: after one, the popular URLs are re-requested. */
export function isCoarseInvalidation(tags: readonly string[], coarse: readonly string[]): boolean {
  return tags.some((t) => coarse.includes(t));
}
