import { metric, metricCatalog } from '@avelon/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CacheInvalidator, L1Store, L2Store, TtlRegistry, TwoTierCache } from '../../cache/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Cached reads: in process (L1) over the cache Redis (L2), invalidated by tag on every instance. */
    cache: TwoTierCache;
    /** Drops cache tags in Redis and in every instance's L1 after a write. */
    invalidator: CacheInvalidator;
    /** The TTL of each cache class, overridable at runtime through the cache Redis. */
    ttls: TtlRegistry;
  }
}

/**
 * The whole cache wiring, in one place: TTL registry, L1 and L2 stores, the two-tier cache and its
 * invalidator, on the cache Redis and its bus.
 */
export const cachePlugin = fp(
  async (app: FastifyInstance) => {
    const { config, cacheRedis: redis, cacheBreaker: breaker, cacheSubscriber: subscriber, log } = app;
    const m = <K extends keyof typeof metricCatalog>(k: K) => metric(app.registry, metricCatalog[k]);

    const ttls = new TtlRegistry({ redis, breaker, gauge: m('cacheTtlSeconds'), pollMs: config.CACHE_TTL_POLL_MS });
    const l1Evictions = m('cacheL1Evictions');
    const l1 = new L1Store({
      maxBytes: config.CACHE_L1_MAX_BYTES,
      onEvict: (reason) => l1Evictions.labels(reason).inc(),
    });
    const l2 = config.CACHE_L2_ENABLED ? new L2Store(redis) : undefined;
    const cache = new TwoTierCache({
      enabled: config.CACHE_ENABLED,
      l1,
      l2,
      breaker,
      ttls,
      busHealthy: () => subscriber.healthy,
      graceMs: config.CACHE_GRACE_SECONDS * 1000,
      refreshAheadRatio: config.CACHE_REFRESH_AHEAD_PERCENT / 100,
      maxBackgroundRefreshes: config.CACHE_MAX_BACKGROUND_REFRESHES,
      softTimeoutMs: config.CACHE_SOFT_TIMEOUT_MS,
      degradedL1MaxAgeMs: config.CACHE_DEGRADED_L1_MAX_AGE_MS,
      lookups: m('cacheLookups'),
      loads: m('cacheLoads'),
      l2Errors: m('cacheL2Errors'),
      log,
    });
    const l1Entries = m('cacheL1Entries');
    const l1Bytes = m('cacheL1Bytes');
    const l1Gauge = setInterval(() => {
      l1Entries.set(l1.size);
      l1Bytes.set(l1.bytes);
    }, 5000).unref();
    const invalidator = new CacheInvalidator({
      cache,
      l2,
      redis,
      breaker,
      origin: app.instanceId,
      counter: m('cacheInvalidations'),
      log,
    });

    app.decorate('cache', cache);
    app.decorate('invalidator', invalidator);
    app.decorate('ttls', ttls);
    app.addHook('onClose', async () => {
      clearInterval(l1Gauge);
      ttls.stop();
      invalidator.stop();
    });
    invalidator.start(subscriber);
    await ttls.start(subscriber);
  },
  { name: 'avelon-cache', dependencies: ['avelon-config', 'avelon-cache-redis'] },
);
