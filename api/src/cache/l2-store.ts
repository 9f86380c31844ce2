import { randomBytes } from 'node:crypto';
import { type cacheConnection, cacheTagKey, cacheTags, cacheValueKey } from '@avelon/core';
import { type CacheEntry, decodeL2, encodeL2 } from './entry.ts';

type Redis = ReturnType<typeof cacheConnection>;

// Returns each tag's generation, creating the missing ones (SET only if still absent, so two
// instances racing agree on one generation).
const ENSURE_GENERATIONS = `
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('GET', key)
  if not v then
    redis.call('SET', key, ARGV[i])
    v = ARGV[i]
  end
  out[i] = v
end
return out`;

/** What Redis holds for a key: the entry if its tags are unchanged since it was stored, and the tags' generations now. */
export interface L2Read {
  entry: CacheEntry | undefined;
  gens: (string | null)[];
}

/**
 * The Redis tier. Tags are versioned, never listed: each tag has a generation key holding a random
 * token, each value records the generations it was loaded under, and a read fetches the value and its
 * tags' generations in one MGET. Invalidating a tag writes a new token, so every value carrying it
 * stops matching at once: no KEYS, no SCAN, no tag sets whose TTL can run out before their members.
 * A generation key that Redis evicted reads as missing, which matches no value: eviction can only cause
 * a miss, never a stale read.
 */
export class L2Store {
  // Every value also carries the global tag: invalidating it drops all of Redis's values at once
  // (after an outage during which invalidations could not be written).
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async read(cls: string, key: string, ownTags: readonly string[]): Promise<L2Read> {
    const tags = withGlobal(ownTags);
    const raw = await this.#redis.mgetBuffer(cacheValueKey(cls, key), ...tags.map(cacheTagKey));
    const gens = raw.slice(1).map((g) => (g ? g.toString() : null));
    const value = raw[0];
    if (!value) return { entry: undefined, gens };
    const decoded = decodeL2(value);
    if (!decoded) return { entry: undefined, gens };
    const matches = decoded.gens.length === gens.length && decoded.gens.every((g, i) => g !== null && g === gens[i]);
    return { entry: matches ? decoded.entry : undefined, gens };
  }

  /** Fills in missing generations (first use of a tag, or evicted) so a new value can be stamped. */
  async ensureGenerations(ownTags: readonly string[], gens: (string | null)[]): Promise<string[]> {
    const tags = withGlobal(ownTags);
    if (gens.every((g) => g !== null)) return gens as string[];
    const fresh = tags.map(() => newGeneration());
    const result = (await this.#redis.eval(ENSURE_GENERATIONS, tags.length, ...tags.map(cacheTagKey), ...fresh)) as
      | string[]
      | null;
    return result ?? fresh;
  }

  async write(cls: string, key: string, entry: CacheEntry, gens: readonly string[], keepMs: number): Promise<void> {
    await this.#redis.set(cacheValueKey(cls, key), encodeL2(entry, gens), 'PX', Math.max(1, Math.round(keepMs)));
  }

  /** New generations for the tags: every value stored under the old ones stops matching. */
  async invalidate(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    await this.#redis.mset(...tags.flatMap((t) => [cacheTagKey(t), newGeneration()]));
  }
}

function withGlobal(tags: readonly string[]): string[] {
  return [...tags, cacheTags.all];
}

function newGeneration(): string {
  return randomBytes(9).toString('base64url');
}
