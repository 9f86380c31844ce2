import type { CacheEntry } from './entry.ts';

/** Why a value left (or never entered) memory: `size` to make room, `oversize` too large to keep. */
export type L1EvictionReason = 'size' | 'oversize';

export interface L1StoreOptions {
  /** Memory budget, as estimated by `slotBytes`; 0 keeps nothing in memory. */
  maxBytes: number;
  /** Largest value kept (estimated bytes); default 1/16 of maxBytes: one value could flush many hot ones. */
  maxEntryBytes?: number;
  /** Called once per eviction (invalidations and replacements are not evictions). */
  onEvict?: (reason: L1EvictionReason) => void;
}

/** What a hit sees of a slot. */
export interface L1Slot {
  readonly entry: CacheEntry;
  readonly tags: readonly string[];
  /** Local time the slot was filled: bounds its age while invalidation messages cannot arrive. */
  readonly storedAt: number;
}

interface Slot extends L1Slot {
  readonly bytes: number;
  /** CLOCK's reference bit: set by a hit, cleared when the eviction hand passes. */
  referenced: boolean;
}

/*
 * Heap retained per slot besides the characters of its strings, measured on Node 24.21 with a
 * `node --expose-gc` script: heapUsed after gc() before and after storing 100k slots, divided by 100k,
 * minus the characters (bodies of 2-2000 chars, one- and two-byte; 0-4 tags, unique or shared). The
 * estimate below came out 0-9 % above the measured heap in every case.
 * - a slot without tags: 408 B (the Slot and CacheEntry objects, the Map entry, the etag, string headers);
 * - each tag of a slot: ~60 B (its array element and its key in the tag's Set);
 * - each distinct tag in the index: ~260 B more (a Map entry and a Set), counted while the Set exists.
 * Rounded up: the budget should err towards using less memory than it says.
 */
const SLOT_BYTES = 400;
const TAG_REF_BYTES = 64;
export const TAG_INDEX_BYTES = 272;

/**
 * V8 stores a string with only Latin-1 characters one byte per character, any other two bytes per
 * character. `Buffer.byteLength` (one SIMD pass) equal to the length proves the string is ASCII; a
 * string with any other character is counted as two-byte, which overestimates the rare Latin-1 one.
 */
export function stringBytes(s: string): number {
  return Buffer.byteLength(s) === s.length ? s.length : 2 * s.length;
}

/** Estimated heap retained by one slot, apart from the tag index's own Sets (see `TAG_INDEX_BYTES`). */
export function slotBytes(key: string, entry: CacheEntry, tags: readonly string[]): number {
  let bytes = SLOT_BYTES + stringBytes(key) + stringBytes(entry.body) + entry.etag.length;
  for (const tag of tags) bytes += TAG_REF_BYTES + stringBytes(tag);
  return bytes;
}

/**
 * The in-process tier: a Map with a tag index, so invalidating a tag drops exactly its entries with no
 * per-hit cost. Bounded by estimated bytes (see `slotBytes`), not entries: bodies range from a few
 * bytes (a remembered 404) to hundreds of kilobytes (a list page).
 *
 * Eviction is CLOCK (second chance): a hit only sets a flag on its slot; when room is needed the oldest
 * slot goes unless its flag is set, in which case the flag is cleared and the slot moves to the back of
 * the Map. Hot keys survive like under LRU, but a hit never reorders the Map (an LRU would re-insert on
 * every hit); the re-insertions happen on eviction, at most one per hit since the last pass.
 *
 * Invalidations are numbered: a value read before an invalidation of one of its tags and stored after
 * it would be stale, so `set` refuses it (see `invalidationSeq`).
 */
export class L1Store {
  readonly #slots = new Map<string, Slot>();
  readonly #byTag = new Map<string, Set<string>>();
  /** Sequence number of the last invalidation of each tag. */
  readonly #tagSeq = new Map<string, number>();
  readonly #maxBytes: number;
  readonly #maxEntryBytes: number;
  readonly #onEvict: ((reason: L1EvictionReason) => void) | undefined;
  readonly #evictions: Record<L1EvictionReason, number> = { size: 0, oversize: 0 };
  #hand: MapIterator<[string, Slot]> | undefined;
  #bytes = 0;
  #seq = 0;
  #clearedAt = 0;

  constructor(options: L1StoreOptions) {
    this.#maxBytes = options.maxBytes;
    this.#maxEntryBytes = options.maxEntryBytes ?? options.maxBytes / 16;
    this.#onEvict = options.onEvict;
  }

  /** Entries held. */
  get size(): number {
    return this.#slots.size;
  }

  /** Estimated heap held by the entries (see `slotBytes`). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Evictions so far, by reason. */
  get evictions(): Readonly<Record<L1EvictionReason, number>> {
    return this.#evictions;
  }

  /** The current invalidation sequence: take it before reading a value that will be stored later. */
  get invalidationSeq(): number {
    return this.#seq;
  }

  get(key: string): L1Slot | undefined {
    const slot = this.#slots.get(key);
    if (slot !== undefined) slot.referenced = true;
    return slot;
  }

  /** Stores a value read when the sequence was `readSeq`, unless one of its tags was invalidated since. */
  set(key: string, entry: CacheEntry, tags: readonly string[], readSeq: number): boolean {
    if (this.#maxBytes === 0) return false;
    if (readSeq < this.#clearedAt) return false;
    for (const tag of tags) if ((this.#tagSeq.get(tag) ?? -1) > readSeq) return false;
    // The value in memory is older than this one either way.
    this.delete(key);
    const bytes = slotBytes(key, entry, tags);
    if (bytes + tags.length * TAG_INDEX_BYTES > this.#maxEntryBytes) {
      this.#evicted('oversize');
      return false;
    }
    while (this.#slots.size > 0 && this.#bytes + bytes + this.#newTagsBytes(tags) > this.#maxBytes) this.#evictOne();
    this.#slots.set(key, { entry, tags, storedAt: Date.now(), bytes, referenced: false });
    this.#bytes += bytes;
    for (const tag of tags) {
      const keys = this.#byTag.get(tag);
      if (keys) keys.add(key);
      else {
        this.#byTag.set(tag, new Set([key]));
        this.#bytes += TAG_INDEX_BYTES;
      }
    }
    return true;
  }

  delete(key: string): void {
    const slot = this.#slots.get(key);
    if (!slot) return;
    this.#slots.delete(key);
    this.#bytes -= slot.bytes;
    for (const tag of slot.tags) {
      const keys = this.#byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) {
        this.#byTag.delete(tag);
        this.#bytes -= TAG_INDEX_BYTES;
      }
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
    this.#bytes = 0;
  }

  /** What indexing `tags` would add: a Set for each tag not in the index yet. */
  #newTagsBytes(tags: readonly string[]): number {
    let bytes = 0;
    for (const tag of tags) if (!this.#byTag.has(tag)) bytes += TAG_INDEX_BYTES;
    return bytes;
  }

  /**
   * The CLOCK hand: evicts the oldest slot not read since the hand last passed it. The hand is a live
   * Map iterator kept between calls: it always stands at the head (everything before it was deleted or
   * moved to the back), and keeping it skips the holes deletions leave at the front of V8's table, which
   * a fresh iterator would walk again on every eviction.
   */
  #evictOne(): void {
    for (;;) {
      this.#hand ??= this.#slots.entries();
      const next = this.#hand.next();
      if (next.done) {
        this.#hand = undefined;
        if (this.#slots.size === 0) return;
        continue;
      }
      const [key, slot] = next.value;
      if (slot.referenced) {
        // Second chance: to the back, as if stored now (only its place in the Map changes).
        slot.referenced = false;
        this.#slots.delete(key);
        this.#slots.set(key, slot);
        continue;
      }
      this.delete(key);
      this.#evicted('size');
      return;
    }
  }

  #evicted(reason: L1EvictionReason): void {
    this.#evictions[reason]++;
    this.#onEvict?.(reason);
  }
}
