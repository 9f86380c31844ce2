// The API's two-tier cache of serialized responses (memory + Redis) with tag invalidation across
// instances and run-time TTLs; see docs/cache.md for why it is written here and not taken from a library.
export { CircuitBreaker } from './circuit-breaker.ts';
export { type CacheEntry, createEntry, etagOf } from './entry.ts';
export { entryPayload, matchesEtag, publicCacheControl, sendEntry, serialized } from './http.ts';
export { CacheInvalidator } from './invalidator.ts';
export { L1Store } from './l1-store.ts';
export { L2Store } from './l2-store.ts';
export { TtlRegistry } from './ttl-registry.ts';
export { type CacheLookup, type CacheSource, TwoTierCache } from './two-tier-cache.ts';
export { CacheWarmer, isCoarseInvalidation, warmHeader } from './warmer.ts';
