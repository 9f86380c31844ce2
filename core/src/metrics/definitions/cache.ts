import { defineMetric as def } from '../define.ts';

/** The API's two-tier cache: hits and misses by class and tier, loads, invalidations, TTLs. */
export const cacheMetrics = {
  cacheLookups: def({
    name: 'avelon_cache_lookups_total',
    type: 'counter',
    help: 'Cache lookups by class, tier (l1 memory, l2 Redis) and result (hit, miss, stale = served past its TTL in grace).',
    labelNames: ['class', 'tier', 'result'],
  }),
  cacheLoads: def({
    name: 'avelon_cache_loads_total',
    type: 'counter',
    help: 'Loads from the database after a miss, by class and outcome (found, absent, error); coalesced waiters are not counted.',
    labelNames: ['class', 'outcome'],
  }),
  cacheInvalidations: def({
    name: 'avelon_cache_invalidations_total',
    type: 'counter',
    help: 'Tag invalidations applied to this instance, by source (local write, or remote message from another instance).',
    labelNames: ['source'],
  }),
  cacheL2Errors: def({
    name: 'avelon_cache_l2_errors_total',
    type: 'counter',
    help: 'Failed cache Redis operations, by operation.',
    labelNames: ['op'],
  }),
  cacheWarmRequests: def({
    name: 'avelon_cache_warm_requests_total',
    type: 'counter',
    help: 'Requests the cache warmer sent through the routes, by reason (start of the process, or after a coarse invalidation) and result (ok, error).',
    labelNames: ['reason', 'result'],
  }),
  cacheL2Available: def({
    name: 'avelon_cache_l2_available',
    type: 'gauge',
    help: '1 when the cache Redis is used, 0 while it is down or its circuit breaker is open (requests then go to memory and the database).',
    labelNames: [],
  }),
  cacheL1Entries: def({
    name: 'avelon_cache_l1_entries',
    type: 'gauge',
    help: 'Entries in the in-process (L1) cache.',
    labelNames: [],
  }),
  cacheL1Bytes: def({
    name: 'avelon_cache_l1_bytes',
    type: 'gauge',
    help: 'Estimated heap held by the in-process (L1) cache: bodies, keys and bookkeeping, bounded by CACHE_L1_MAX_BYTES.',
    labelNames: [],
  }),
  cacheL1Evictions: def({
    name: 'avelon_cache_l1_evictions_total',
    type: 'counter',
    help: 'Values dropped from or refused by the in-process (L1) cache, by reason (size = to make room, oversize = over 1/16 of the budget); invalidations are not counted.',
    labelNames: ['reason'],
  }),
  cacheTtlSeconds: def({
    name: 'avelon_cache_ttl_seconds',
    type: 'gauge',
    help: 'TTL in force for each cache class (set at run time through Redis, see core/src/cache/ttl-contract.ts).',
    labelNames: ['class'],
  }),
};
