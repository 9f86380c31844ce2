/**
 * The in-process half of the batched rate limiter: fixed-window counters per client key, decided here and
 * reconciled with Redis in batches. No I/O and no clock of its own (every call gets `now`), so the unit
 * tests drive it step by step; `batched-store.ts` adds the Redis pipeline and the timer.
 *
 * An instance's estimate of a key is `synced + inflight + pending`: the count Redis returned at the last
 * sync (every instance's flushed hits, this one's included) plus this instance's hits since. On one
 * instance that is exact; with several, each misses the others' hits since its last sync (the bound is in
 * docs/api.md, "Rate limits").
 */

/** One client key in its current window, as this instance sees it. */
interface Entry {
  readonly key: string;
  readonly windowMs: number;
  /** Redis's count at the last sync. */
  synced: number;
  /** Hits sent by the sync in flight, not yet in `synced`. */
  inflight: number;
  /** Hits not sent yet. */
  pending: number;
  /** End of the window (epoch ms): Redis's PTTL once synced, a local guess (first hit + window) before. */
  windowEnd: number;
}

/** What the rate-limit plugin expects of a store: the count including this hit and the ms left. */
export interface Decision {
  current: number;
  ttl: number;
}

/** One key's hits handed to a sync. */
export interface SyncItem {
  readonly key: string;
  readonly delta: number;
  readonly windowMs: number;
}

/** Redis's answer for one item: the key's count after the increment and its remaining ms. */
export interface SyncResult {
  count: number;
  pttl: number;
}

/** A batch taken by `takeBatch`, settled by `settle` (one result per item, undefined = that item failed). */
export interface SyncBatch {
  readonly items: readonly SyncItem[];
  /** @internal the entries the items came from, same order. */
  readonly entries: readonly Entry[];
}

export interface BatchedCountersOptions {
  /** A key with this many unsent hits asks for a sync now instead of at the next tick. */
  syncHits: number;
  /** Keys kept in memory; beyond it the oldest is forgotten (its unsent hits are still sent). */
  maxKeys: number;
}

/** Local counters with batched reconciliation; see the file comment. */
export class BatchedCounters {
  readonly #entries = new Map<string, Entry>();
  readonly #dirty = new Set<Entry>();
  readonly #o: BatchedCountersOptions;

  constructor(options: BatchedCountersOptions) {
    this.#o = options;
  }

  /** Keys held in memory. */
  get size(): number {
    return this.#entries.size;
  }

  /** True when some hits wait for a sync. */
  get dirty(): boolean {
    return this.#dirty.size > 0;
  }

  /**
   * Counts one hit of `key` (over the limit too, as the plugin's Redis script does) and returns the
   * estimate. `syncNow` asks the caller to sync before the next tick.
   */
  hit(key: string, windowMs: number, now: number): Decision & { syncNow: boolean } {
    let e = this.#entries.get(key);
    if (e === undefined || now >= e.windowEnd || e.windowMs !== windowMs) {
      // A new window: the old one's unsent hits are dropped (their Redis key expires with it).
      if (e !== undefined) {
        this.#dirty.delete(e);
        this.#entries.delete(key);
      }
      e = { key, windowMs, synced: 0, inflight: 0, pending: 0, windowEnd: now + windowMs };
      this.#evictOver(this.#o.maxKeys - 1);
      this.#entries.set(key, e);
    }
    e.pending++;
    this.#dirty.add(e);
    return {
      current: e.synced + e.inflight + e.pending,
      ttl: e.windowEnd - now,
      syncNow: e.pending >= this.#o.syncHits,
    };
  }

  /** Moves every unsent hit of a live window into a batch (in flight until `settle`). */
  takeBatch(now: number): SyncBatch {
    const items: SyncItem[] = [];
    const entries: Entry[] = [];
    for (const e of this.#dirty) {
      if (now >= e.windowEnd) continue; // the window is over: nothing to tell Redis
      items.push({ key: e.key, delta: e.pending, windowMs: e.windowMs });
      entries.push(e);
      e.inflight += e.pending;
      e.pending = 0;
    }
    this.#dirty.clear();
    return { items, entries };
  }

  /**
   * Applies Redis's answers: the count becomes Redis's and the window Redis's. A failed item's hits go
   * back to pending for the next sync. Answers for a window this instance has since left are ignored.
   */
  settle(batch: SyncBatch, results: readonly (SyncResult | undefined)[], now: number): void {
    batch.entries.forEach((e, i) => {
      const { delta } = batch.items[i] as SyncItem;
      e.inflight -= delta;
      const r = results[i];
      if (this.#entries.get(e.key) !== e) return;
      if (r === undefined) {
        e.pending += delta;
        this.#dirty.add(e);
        return;
      }
      e.synced = r.count;
      if (r.pttl > 0) e.windowEnd = now + r.pttl;
    });
  }

  /** The whole batch failed (Redis unreachable): its hits wait for the next sync. */
  fail(batch: SyncBatch): void {
    this.settle(batch, [], 0);
  }

  /** Forgets windows that are over; returns how many. */
  sweep(now: number): number {
    let removed = 0;
    for (const e of this.#entries.values()) {
      if (now < e.windowEnd) continue;
      this.#entries.delete(e.key);
      this.#dirty.delete(e);
      removed++;
    }
    return removed;
  }

  #evictOver(max: number): void {
    // Map order is insertion order: the oldest windows go first. Their unsent hits stay in #dirty.
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= max) return;
      this.#entries.delete(key);
    }
  }
}
