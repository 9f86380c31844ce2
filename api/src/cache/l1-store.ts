import type { CacheEntry } from './entry.ts';

interface Slot {
  entry: CacheEntry;
  tags: readonly string[];
  /** Local time the slot was filled: bounds its age while invalidation messages cannot arrive. */
  storedAt: number;
}

/**
 * The in-process tier: a Map with a tag index, so invalidating a tag drops exactly its entries with no
 * per-hit cost. Eviction is first-in-first-out when full (a hot key that was evicted is reloaded from
 * Redis and re-inserted; an LRU would cost a re-insert on every hit).
 *
 * Invalidations are numbered: a value read before an invalidation of one of its tags and stored after
 * it would be stale, so `set` refuses it (see `invalidationSeq`).
 */
export class L1Store {
  readonly #slots = new Map<string, Slot>();
  readonly #byTag = new Map<string, Set<string>>();
  /** Sequence number of the last invalidation of each tag. */
  readonly #tagSeq = new Map<string, number>();
  readonly #maxEntries: number;
  #seq = 0;
  #clearedAt = 0;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** The current invalidation sequence: take it before reading a value that will be stored later. */
  get invalidationSeq(): number {
    return this.#seq;
  }

  get(key: string): Slot | undefined {
    return this.#slots.get(key);
  }

  /** Stores a value read when the sequence was `readSeq`, unless one of its tags was invalidated since. */
  set(key: string, entry: CacheEntry, tags: readonly string[], readSeq: number): boolean {
    if (this.#maxEntries === 0) return false;
    if (readSeq < this.#clearedAt) return false;
    for (const tag of tags) if ((this.#tagSeq.get(tag) ?? -1) > readSeq) return false;
    this.delete(key);
    if (this.#slots.size >= this.#maxEntries) {
      const oldest = this.#slots.keys().next().value;
      if (oldest !== undefined) this.delete(oldest);
    }
    this.#slots.set(key, { entry, tags, storedAt: Date.now() });
    for (const tag of tags) {
      const keys = this.#byTag.get(tag);
      if (keys) keys.add(key);
      else this.#byTag.set(tag, new Set([key]));
    }
    return true;
  }

  delete(key: string): void {
    const slot = this.#slots.get(key);
    if (!slot) return;
    this.#slots.delete(key);
    for (const tag of slot.tags) {
      const keys = this.#byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.#byTag.delete(tag);
    }
  }

  /** Drops every entry carrying one of the tags, and refuses values read before this moment. */
  invalidate(tags: readonly string[]): void {
    const seq = ++this.#seq;
    for (const tag of tags) {
      this.#tagSeq.set(tag, seq);
      const keys = this.#byTag.get(tag);
      if (!keys) continue;
      for (const key of [...keys]) this.delete(key);
    }
    // The per-tag sequence map only needs tags invalidated while a read may be in flight; keep it small.
    if (this.#tagSeq.size > 10_000) {
      // Forgetting them is safe only if reads that started earlier are refused wholesale.
      this.#tagSeq.clear();
      this.#clearedAt = seq;
    }
  }

  /** Drops everything, e.g. after invalidation messages may have been missed. */
  clear(): void {
    this.#clearedAt = ++this.#seq;
    this.#slots.clear();
    this.#byTag.clear();
    this.#tagSeq.clear();
  }
}
