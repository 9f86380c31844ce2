import type { cacheConnection } from '@avelon/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Counter } from 'prom-client';
import type { CircuitBreaker } from '../cache/circuit-breaker.ts';
import { ApiError } from '../errors.ts';
import { BatchedCounters, type SyncResult } from './batched-counters.ts';

type Redis = ReturnType<typeof cacheConnection>;
/** The callback of @fastify/rate-limit's store contract. */
export type StoreCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

// The same counter as the plugin's own Lua script (INCR, PEXPIRE when new), by a batch's delta: old and
// new instances share the keys during a rolling update. Returns {count, pttl}.
const addScript = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {count, ttl}`;
const command = 'avelonRateLimitAdd';
type Pipeline = ReturnType<Redis['pipeline']> & Record<typeof command, (k: string, d: number, w: number) => unknown>;

export interface BatchedStoreOptions {
  redis: Redis;
  breaker: CircuitBreaker;
  /** Redis key prefix (the plugin's store used `avelon:rl:`). */
  prefix: string;
  /** Label of the metrics (`general`). */
  limit: string;
  /** Sync period, ms: the T of the error bound. */
  intervalMs: number;
  /** A key with this many unsent hits syncs at once. */
  syncHits: number;
  /** Keys held in memory. */
  maxKeys: number;
  /** Redis unreachable: true decides on this instance's counts alone, false answers 503. */
  failOpen: boolean;
  metrics: {
    localDecisions: Counter<string>;
    syncs: Counter<string>;
    syncFailures: Counter<string>;
    storeErrors: Counter<string>;
  };
  log: FastifyBaseLogger;
}

/**
 * A @fastify/rate-limit store (`incr`) that decides every request in process (BatchedCounters) and
 * reconciles with Redis every `intervalMs`, or sooner for a key with `syncHits` unsent hits: one pipeline,
 * one script call per key that had hits. At most one sync is in flight.
 */
export class BatchedRedisStore {
  readonly #o: BatchedStoreOptions;
  readonly #counters: BatchedCounters;
  readonly #decided: ReturnType<Counter<string>['labels']>;
  readonly #allowedWithoutRedis: ReturnType<Counter<string>['labels']>;
  readonly #rejectedWithoutRedis: ReturnType<Counter<string>['labels']>;
  #tick: NodeJS.Timeout | undefined;
  #sweep: NodeJS.Timeout | undefined;
  #syncing: Promise<void> | undefined;
  #again = false;
  #soon = false;
  /** Local decisions not yet added to the counter: prom-client's labelled inc costs a hash per call. */
  #decidedUncounted = 0;

  constructor(options: BatchedStoreOptions) {
    this.#o = options;
    this.#counters = new BatchedCounters({ syncHits: options.syncHits, maxKeys: options.maxKeys });
    // Label children bound once: the hot path only increments.
    this.#decided = options.metrics.localDecisions.labels(options.limit);
    this.#allowedWithoutRedis = options.metrics.storeErrors.labels(options.limit, 'allowed');
    this.#rejectedWithoutRedis = options.metrics.storeErrors.labels(options.limit, 'rejected');
    if (!(command in options.redis)) options.redis.defineCommand(command, { numberOfKeys: 1, lua: addScript });
  }

  /** Starts the sync and sweep timers (unref'd: they never keep the process up). */
  start(): void {
    this.#tick = setInterval(() => {
      this.#countDecisions();
      void this.sync();
    }, this.#o.intervalMs).unref();
    this.#sweep = setInterval(() => this.#counters.sweep(Date.now()), 5000).unref();
  }

  /** The plugin's store contract: counts the hit and answers from memory, without I/O. */
  incr(key: string, cb: StoreCallback, timeWindow: number, max: number): void {
    const redisOk = this.#o.breaker.available();
    if (!redisOk && !this.#o.failOpen) {
      this.#rejectedWithoutRedis.inc();
      cb(
        new ApiError('API_ERR_UNAVAILABLE', 'Rate limiting is unavailable.', {
          cause: new Error('cache Redis unavailable'),
          headers: { 'retry-after': '1' },
        }),
      );
      return;
    }
    const d = this.#counters.hit(key, timeWindow, Date.now());
    this.#decidedUncounted++;
    if (!redisOk && d.current <= max) this.#allowedWithoutRedis.inc();
    if (d.syncNow && !this.#soon) {
      // Coalesces the hits of this turn of the event loop into one sync.
      this.#soon = true;
      setImmediate(() => {
        this.#soon = false;
        void this.sync();
      });
    }
    cb(null, d);
  }

  /** Sends the unsent hits to Redis and adopts its counts; resolves when done (never rejects). */
  sync(): Promise<void> {
    if (this.#syncing) {
      this.#again = true;
      return this.#syncing;
    }
    if (!this.#counters.dirty || !this.#o.breaker.available()) return Promise.resolve();
    this.#syncing = this.#run().finally(() => {
      this.#syncing = undefined;
      if (this.#again) {
        this.#again = false;
        void this.sync();
      }
    });
    return this.#syncing;
  }

  /** Stops the timers and sends what is left (best effort). */
  async close(): Promise<void> {
    clearInterval(this.#tick);
    this.#countDecisions();
    clearInterval(this.#sweep);
    await this.#syncing;
    await this.sync();
  }

  #countDecisions(): void {
    if (this.#decidedUncounted === 0) return;
    this.#decided.inc(this.#decidedUncounted);
    this.#decidedUncounted = 0;
  }

  async #run(): Promise<void> {
    const { redis, breaker, prefix, metrics } = this.#o;
    const batch = this.#counters.takeBatch(Date.now());
    if (batch.items.length === 0) return;
    const pipeline = redis.pipeline() as Pipeline;
    for (const item of batch.items) pipeline[command](prefix + item.key, item.delta, item.windowMs);
    try {
      const replies = (await pipeline.exec()) ?? [];
      let failed = 0;
      const results = batch.items.map((_, i): SyncResult | undefined => {
        const [error, value] = replies[i] ?? [new Error('no reply')];
        if (error) {
          failed++;
          return undefined;
        }
        const [count, pttl] = value as [number, number];
        return { count, pttl };
      });
      this.#counters.settle(batch, results, Date.now());
      if (failed === 0) {
        metrics.syncs.inc();
        return;
      }
      metrics.syncFailures.inc();
      // Every call failing is Redis failing (timeouts), not one bad key.
      if (failed === batch.items.length) breaker.failure();
    } catch (error) {
      this.#counters.fail(batch);
      metrics.syncFailures.inc();
      breaker.failure();
      this.#o.log.debug({ err: error }, 'rate-limit sync failed; deciding on local counts');
    }
  }
}
