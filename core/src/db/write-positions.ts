import type { Redis } from 'ioredis';

/**
 * Remembers, per user (or session), the primary's WAL position after that user's last write, so the
 * router can send the user's reads to a replica only once the replica has replayed that far.
 */
export interface WritePositionStore {
  remember(key: string, lsn: bigint): Promise<void>;
  recall(key: string): Promise<bigint | undefined>;
}

/**
 * One process's memory: enough for a single instance, and the fallback of the Redis store.
 * Entries live `ttlMs`: longer than the replica lag bound, after which every replica in rotation
 * has replayed the write anyway.
 */
export class MemoryWritePositionStore implements WritePositionStore {
  readonly #entries = new Map<string, { lsn: bigint; expiresAt: number }>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(ttlMs: number, maxEntries = 100_000) {
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
  }

  async remember(key: string, lsn: bigint): Promise<void> {
    const current = this.#entries.get(key);
    if (current && current.lsn >= lsn && current.expiresAt > Date.now()) return;
    this.#entries.delete(key);
    // Map keeps insertion order, so the first key is the oldest write: drop it when full.
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { lsn, expiresAt: Date.now() + this.#ttlMs });
  }

  async recall(key: string): Promise<bigint | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.lsn;
  }
}

// Keeps the larger position when two writes of one user race (WAL positions fit a Lua double for
// the next 8 PiB of WAL).
const SET_IF_GREATER = `
local cur = redis.call('GET', KEYS[1])
if (not cur) or tonumber(cur) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`;

/**
 * Shares positions between API instances through Redis (a user's next request may land on another
 * instance). Also remembers locally, so a Redis outage still gives read-your-writes on the instance
 * that took the write.
 */
export class RedisWritePositionStore implements WritePositionStore {
  readonly #redis: Redis;
  readonly #ttlMs: number;
  readonly #local: MemoryWritePositionStore;
  readonly #prefix: string;

  constructor(redis: Redis, ttlMs: number, prefix = 'ryw:') {
    this.#redis = redis;
    this.#ttlMs = ttlMs;
    this.#local = new MemoryWritePositionStore(ttlMs);
    this.#prefix = prefix;
  }

  async remember(key: string, lsn: bigint): Promise<void> {
    await this.#local.remember(key, lsn);
    try {
      await this.#redis.eval(SET_IF_GREATER, 1, this.#prefix + key, lsn.toString(), String(this.#ttlMs));
    } catch {
      // Redis down: the local copy still protects this instance's reads.
    }
  }

  async recall(key: string): Promise<bigint | undefined> {
    const local = await this.#local.recall(key);
    try {
      const shared = await this.#redis.get(this.#prefix + key);
      if (shared === null) return local;
      const remote = BigInt(shared);
      return local !== undefined && local > remote ? local : remote;
    } catch {
      return local;
    }
  }
}
