import { type CacheClass, cacheClasses } from '@avelon/core';
import { trace } from '@opentelemetry/api';
import type { FastifyBaseLogger } from 'fastify';
import type { Counter } from 'prom-client';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { type CacheEntry, createEntry } from './entry.ts';
import { type Freshness, freshness } from './freshness.ts';
import type { L1Store } from './l1-store.ts';
import type { L2Store } from './l2-store.ts';
import type { TtlRegistry } from './ttl-registry.ts';

/** Where a response came from: memory, Redis, the database, or a value past its TTL served in grace. */
export type CacheSource = 'l1' | 'l2' | 'db' | 'stale';

export interface CacheLookup {
  entry: CacheEntry;
  source: CacheSource;
}

export interface TwoTierCacheOptions {
  enabled: boolean;
  l1: L1Store;
  /** Absent: Redis is not used (CACHE_L2_ENABLED=false). */
  l2: L2Store | undefined;
  breaker: CircuitBreaker;
  ttls: TtlRegistry;
  /** True while invalidation messages from other instances arrive. */
  busHealthy: () => boolean;
  graceMs: number;
  /** Fraction of a TTL after which a served value is reloaded in the background (1: never ahead). */
  refreshAheadRatio: number;
  /** Background reloads at once per instance; more are skipped (the value is served as it is). */
  maxBackgroundRefreshes: number;
  softTimeoutMs: number;
  degradedL1MaxAgeMs: number;
  lookups: Counter<string>;
  loads: Counter<string>;
  l2Errors: Counter<string>;
  log: FastifyBaseLogger;
}

const tracer = trace.getTracer('avelon-api');
type Counters = { hit: { inc(): void }; miss: { inc(): void }; stale: { inc(): void } };

/**
 * L1 (memory) + L2 (Redis) cache of serialized responses. A miss is loaded once per key per instance
 * (concurrent requests wait for the same load), absent rows are remembered for the `negative` TTL.
 * Writes invalidate by tag, so TTLs only bound age: a value in the last part of its TTL is served and
 * reloaded in the background (refresh-ahead), and one past its TTL but within the grace period is
 * served while it reloads (stale-while-revalidate), so hot keys never expire into a miss (see
 * freshness.ts). When the database fails or is slower than the soft timeout, a value within its grace
 * period is served instead. TTLs are read per class at lookup time, so an operator's change applies at
 * once. Redis trouble never fails a request: the breaker skips Redis and requests go to the database.
 */
export class TwoTierCache {
  readonly #o: TwoTierCacheOptions;
  readonly #inflight = new Map<string, Promise<CacheLookup>>();
  #backgroundRefreshes = 0;
  readonly #l1Counters: Record<CacheClass, Counters>;
  readonly #l2Counters: Record<CacheClass, Counters>;

  constructor(options: TwoTierCacheOptions) {
    this.#o = options;
    // Children bound once: a hit costs a property read and an increment, not a label lookup.
    const bind = (tier: string) =>
      Object.fromEntries(
        cacheClasses.map((cls) => [
          cls,
          {
            hit: options.lookups.labels(cls, tier, 'hit'),
            miss: options.lookups.labels(cls, tier, 'miss'),
            stale: options.lookups.labels(cls, tier, 'stale'),
          },
        ]),
      ) as Record<CacheClass, Counters>;
    this.#l1Counters = bind('l1');
    this.#l2Counters = bind('l2');
  }

  get enabled(): boolean {
    return this.#o.enabled;
  }

  /** A fresh in-memory entry, or undefined: the synchronous fast path of every cached route. */
  peek(cls: CacheClass, key: string): CacheEntry | undefined {
    if (!this.#o.enabled) return undefined;
    const slot = this.#o.l1.get(`${cls}|${key}`);
    if (slot === undefined) return undefined;
    const now = Date.now();
    // Anything but `fresh` takes the asynchronous path (get), which starts the background reload.
    if (this.#freshness(slot.entry, cls, now) !== 'fresh' || !this.#trusted(slot.storedAt, now)) return undefined;
    this.#l1Counters[cls].hit.inc();
    return slot.entry;
  }

  /**
   * The value for `key`: from memory, Redis, or `load` (which returns the serialized JSON, or
   * undefined when the row does not exist). `tags` are what writes invalidate it by.
   */
  get(
    cls: CacheClass,
    key: string,
    tags: readonly string[],
    load: () => Promise<string | undefined>,
  ): Promise<CacheLookup> {
    if (!this.#o.enabled) return load().then((json) => ({ entry: createEntry(json), source: 'db' as const }));
    const fullKey = `${cls}|${key}`;
    const now = Date.now();
    const slot = this.#o.l1.get(fullKey);
    if (slot && this.#trusted(slot.storedAt, now)) {
      const state = this.#freshness(slot.entry, cls, now);
      if (state === 'fresh') {
        this.#l1Counters[cls].hit.inc();
        return Promise.resolve({ entry: slot.entry, source: 'l1' });
      }
      if (state === 'refresh' || state === 'stale') {
        this.#refreshInBackground(cls, key, fullKey, tags, load);
        this.#l1Counters[cls][state === 'refresh' ? 'hit' : 'stale'].inc();
        return Promise.resolve({ entry: slot.entry, source: state === 'refresh' ? 'l1' : 'stale' });
      }
    }
    const running = this.#inflight.get(fullKey);
    if (running) return running;
    this.#l1Counters[cls].miss.inc();
    return this.#track(fullKey, this.#fetch(cls, key, fullKey, tags, load, false));
  }

  /** How many background reloads run now (refresh-ahead and stale-while-revalidate). */
  get backgroundRefreshes(): number {
    return this.#backgroundRefreshes;
  }

  #track(fullKey: string, lookup: Promise<CacheLookup>): Promise<CacheLookup> {
    const tracked: Promise<CacheLookup> = lookup.finally(() => {
      // An invalidation may have dropped it and a newer load taken its place: that one stays.
      if (this.#inflight.get(fullKey) === tracked) this.#inflight.delete(fullKey);
    });
    this.#inflight.set(fullKey, tracked);
    return tracked;
  }

  /**
   * Reloads a value that is still being served, once per key, and at most `maxBackgroundRefreshes` at a
   * time: a burst of expiring keys must not take the connections that misses need (back-pressure);
   * a skipped key is reloaded by a later request.
   */
  #refreshInBackground(
    cls: CacheClass,
    key: string,
    fullKey: string,
    tags: readonly string[],
    load: () => Promise<string | undefined>,
  ): void {
    if (this.#inflight.has(fullKey) || this.#backgroundRefreshes >= this.#o.maxBackgroundRefreshes) return;
    this.#backgroundRefreshes++;
    const refresh = this.#fetch(cls, key, fullKey, tags, load, true).finally(() => this.#backgroundRefreshes--);
    this.#track(fullKey, refresh).catch((error) =>
      this.#o.log.debug({ err: error, cls, key }, 'background cache reload failed; the old value stays in use'),
    );
  }

  /**
   * Drops the tags' values in this instance's memory (other instances: see CacheInvalidator). Loads in
   * flight are forgotten too: they may have read the row before the write, and a request arriving now
   * must not join them (it starts its own load; theirs still finish, and L1 refuses their values).
   */
  invalidateLocal(tags: readonly string[]): void {
    this.#o.l1.invalidate(tags);
    this.#inflight.clear();
  }

  /** Drops all in-memory values (after invalidation messages may have been missed). */
  clearLocal(): void {
    this.#o.l1.clear();
    this.#inflight.clear();
  }

  #ttlMs(entry: CacheEntry, cls: CacheClass): number {
    return this.#o.ttls.ms(entry.absent ? 'negative' : cls);
  }

  #freshness(entry: CacheEntry, cls: CacheClass, now: number): Freshness {
    return freshness(now - entry.createdAt, entry.absent, {
      ttlMs: this.#ttlMs(entry, cls),
      graceMs: this.#o.graceMs,
      refreshAheadRatio: this.#o.refreshAheadRatio,
    });
  }

  /** An L1 value may be served unless invalidations have not arrived for longer than the degraded bound. */
  #trusted(storedAt: number, now: number): boolean {
    return this.#o.busHealthy() || now - storedAt <= this.#o.degradedL1MaxAgeMs;
  }

  #inGrace(entry: CacheEntry, cls: CacheClass, now: number): boolean {
    return now - entry.createdAt < this.#ttlMs(entry, cls) + this.#o.graceMs;
  }

  async #fetch(
    cls: CacheClass,
    key: string,
    fullKey: string,
    tags: readonly string[],
    load: () => Promise<string | undefined>,
    background: boolean,
  ): Promise<CacheLookup> {
    const { l1, l2, breaker } = this.#o;
    const readSeq = l1.invalidationSeq;
    const now = Date.now();
    const l1Slot = l1.get(fullKey);
    let stale = l1Slot && this.#inGrace(l1Slot.entry, cls, now) ? l1Slot.entry : undefined;

    let gens: (string | null)[] | undefined;
    if (l2 && breaker.available()) {
      try {
        const read = await l2.read(cls, key, tags);
        gens = read.gens;
        const state = read.entry ? this.#freshness(read.entry, cls, Date.now()) : 'expired';
        if (read.entry && (state === 'fresh' || state === 'refresh')) {
          // Another instance may have reloaded it already: then a background reload costs no query.
          if (!background) this.#l2Counters[cls].hit.inc();
          l1.set(fullKey, read.entry, tags, readSeq);
          return { entry: read.entry, source: 'l2' };
        }
        if (read.entry && state === 'stale' && !background) {
          // Its tags' generations matched: old, not outdated. Serve it and reload it once this lookup
          // has left the in-flight map (a reload started now would find this lookup there and stop).
          this.#l2Counters[cls].stale.inc();
          l1.set(fullKey, read.entry, tags, readSeq);
          setImmediate(() => this.#refreshInBackground(cls, key, fullKey, tags, load));
          return { entry: read.entry, source: 'stale' };
        }
        if (read.entry && this.#inGrace(read.entry, cls, Date.now())) stale ??= read.entry;
        if (!background) this.#l2Counters[cls].miss.inc();
      } catch (error) {
        this.#l2Failed('read', error);
      }
    }

    const loaded = this.#load(cls, key, tags, load, readSeq, gens);
    if (!stale || background) return { entry: await loaded, source: 'db' };
    // A value in grace exists: answer with it if the database fails or is slow; a slow load still
    // completes in the background and refreshes the cache.
    const staleEntry = stale;
    let timer: NodeJS.Timeout | undefined;
    const softTimeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.#o.softTimeoutMs);
    });
    try {
      const entry = await Promise.race([loaded, softTimeout]);
      if (entry) return { entry, source: 'db' };
    } catch (error) {
      this.#o.log.warn({ err: error, cls, key }, 'cache load failed; serving a stale value in grace');
    } finally {
      clearTimeout(timer);
    }
    loaded.catch(() => {});
    this.#l1Counters[cls].stale.inc();
    return { entry: staleEntry, source: 'stale' };
  }

  async #load(
    cls: CacheClass,
    key: string,
    tags: readonly string[],
    load: () => Promise<string | undefined>,
    readSeq: number,
    gensBefore: (string | null)[] | undefined,
  ): Promise<CacheEntry> {
    const { l1, l2, breaker } = this.#o;
    // Generations are taken before the load: a write that lands during it changes them, so the value
    // stored below is already outdated in Redis and never served from there.
    let gens: string[] | undefined;
    if (l2 && gensBefore && breaker.available()) {
      try {
        gens = await l2.ensureGenerations(tags, gensBefore);
      } catch (error) {
        this.#l2Failed('generations', error);
      }
    }
    const entry = await tracer.startActiveSpan(`cache.load ${cls}`, async (span) => {
      try {
        const json = await load();
        this.#o.loads.labels(cls, json === undefined ? 'absent' : 'found').inc();
        return createEntry(json);
      } catch (error) {
        this.#o.loads.labels(cls, 'error').inc();
        throw error;
      } finally {
        span.end();
      }
    });
    l1.set(`${cls}|${key}`, entry, tags, readSeq);
    if (l2 && gens && breaker.available()) {
      l2.write(cls, key, entry, gens, this.#keepMs(entry, cls)).catch((error) => this.#l2Failed('write', error));
    }
    return entry;
  }

  /** How long tiers keep an entry: its TTL plus the grace period in which it may still be served. */
  #keepMs(entry: CacheEntry, cls: CacheClass): number {
    return this.#ttlMs(entry, cls) + this.#o.graceMs - (Date.now() - entry.createdAt);
  }

  #l2Failed(op: string, error: unknown): void {
    this.#o.breaker.failure();
    this.#o.l2Errors.labels(op).inc();
    this.#o.log.debug({ err: error, op }, 'cache Redis operation failed');
  }
}
