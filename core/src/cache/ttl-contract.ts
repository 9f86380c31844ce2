import type { Redis } from 'ioredis';

/**
 * The contract between the API (which reads cache TTLs) and the operator (which tunes them at run time):
 * the cache classes, their defaults and bounds, and where in the cache Redis the current values live.
 *
 * Format: one Redis hash, `HSET avelon:cache:ttl <class> <seconds>`; a field that is absent or out of
 * bounds means "use the default". After writing, publish the class name on `avelon:cache:ttl:changed`
 * so every API instance applies it at once; instances also re-read the hash every
 * `CACHE_TTL_POLL_MS` (500 ms by default), so a missed message still takes effect within a second.
 */

/** Every cache class: one TTL each. `negative` is how long an absent row is remembered. */
export const cacheClasses = ['product', 'product-list', 'category', 'brand', 'negative', 'session'] as const;
export type CacheClass = (typeof cacheClasses)[number];

/** The TTLs an installation starts with, in seconds. */
export const defaultCacheTtlSeconds: Readonly<Record<CacheClass, number>> = Object.freeze({
  product: 1800,
  'product-list': 300,
  category: 3600,
  brand: 3600,
  negative: 5,
  session: 30,
});

/** No class may be cached for less than this or longer than that, whatever the hash says. */
export const cacheTtlBoundsSeconds = Object.freeze({ min: 1, max: 86_400 });

/** The hash holding the current TTL of each class, in the cache Redis. */
export const cacheTtlHashKey = 'avelon:cache:ttl';

/** Published (message: the class name, or `*`) after the hash changed. */
export const cacheTtlChannel = 'avelon:cache:ttl:changed';

export function isCacheClass(name: string): name is CacheClass {
  return (cacheClasses as readonly string[]).includes(name);
}

/** The effective TTLs (seconds) from the raw hash: unknown classes and bad values fall back to defaults. */
export function parseCacheTtls(raw: Record<string, string>): Record<CacheClass, number> {
  const result = { ...defaultCacheTtlSeconds };
  for (const [name, value] of Object.entries(raw)) {
    if (!isCacheClass(name) || !/^\d+$/.test(value)) continue;
    const seconds = Number(value);
    if (seconds >= cacheTtlBoundsSeconds.min && seconds <= cacheTtlBoundsSeconds.max) result[name] = seconds;
  }
  return result;
}

/** Sets one class's TTL and tells every API instance (the operator's half of the contract). */
export async function writeCacheTtl(redis: Redis, cls: CacheClass, seconds: number): Promise<void> {
  const { min, max } = cacheTtlBoundsSeconds;
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new RangeError(`TTL for ${cls} must be an integer between ${min} and ${max} seconds, got ${seconds}`);
  }
  await redis.hset(cacheTtlHashKey, cls, String(seconds));
  await redis.publish(cacheTtlChannel, cls);
}

/** Drops one class's override, so the default applies again. */
export async function resetCacheTtl(redis: Redis, cls: CacheClass): Promise<void> {
  await redis.hdel(cacheTtlHashKey, cls);
  await redis.publish(cacheTtlChannel, cls);
}

/** Reads the effective TTLs (seconds) of every class, as the API does. */
export async function readCacheTtls(redis: Redis): Promise<Record<CacheClass, number>> {
  return parseCacheTtls(await redis.hgetall(cacheTtlHashKey));
}
