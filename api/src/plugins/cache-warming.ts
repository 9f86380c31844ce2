import { cacheTags, metric, metricCatalog } from '@avelon/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CacheWarmer, isCoarseInvalidation, warmHeader } from '../cache/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Records popular public GETs and requests them when this process starts and after coarse invalidations. */
    cacheWarmer: CacheWarmer;
  }
}

// The public, cached reads: the catalogue as anonymous shoppers browse it (not carts, orders or admin).
const CATALOGUE_ROUTE = /^\/api\/v1\/(products|categories|brands)(\/|$)/;
// A write to these empties many values at once (every list, every detail showing a brand or category).
const COARSE_TAGS = [cacheTags.all, cacheTags.products, cacheTags.categories, cacheTags.brands];

/**
 * Cache warming (see cache/warmer.ts): a sampled onResponse hook on successful anonymous catalogue
 * GETs feeds the shared popularity set; main.ts warms before it listens (`warmBeforeServing`), and every
 * process warms again in the background after a coarse invalidation.
 */
export const cacheWarmingPlugin = fp(
  async (app: FastifyInstance) => {
    const { config } = app;
    const warmer = new CacheWarmer({
      redis: app.cacheRedis,
      breaker: app.cacheBreaker,
      request: async (url, headers) => (await app.inject({ method: 'GET', url, headers })).statusCode,
      keys: config.CACHE_WARM_KEYS,
      rewarmKeys: config.CACHE_REWARM_KEYS,
      rewarmIntervalMs: 5000,
      concurrency: config.CACHE_WARM_CONCURRENCY,
      sampleEvery: config.CACHE_POPULARITY_SAMPLE,
      flushMs: 5000,
      decaySeconds: config.CACHE_POPULARITY_DECAY_SECONDS,
      requests: metric(app.registry, metricCatalog.cacheWarmRequests),
      log: app.log,
    });
    app.decorate('cacheWarmer', warmer);
    if (!config.CACHE_ENABLED || config.CACHE_WARM_KEYS === 0) return;

    app.addHook('onResponse', (request, reply, done) => {
      if (
        warmer.sampled() &&
        request.method === 'GET' &&
        reply.statusCode === 200 &&
        request.headers.authorization === undefined &&
        !warmer.isWarmRequest(request.headers[warmHeader]) &&
        CATALOGUE_ROUTE.test(request.routeOptions.url ?? '')
      ) {
        warmer.record(request.url);
      }
      done();
    });
    app.invalidator.onApplied((tags) => {
      if (isCoarseInvalidation(tags, COARSE_TAGS)) warmer.scheduleRewarm();
    });
    app.addHook('onReady', (done) => {
      warmer.start();
      done();
    });
    app.addHook('onClose', async () => {
      warmer.stop();
      await warmer.flush();
    });
  },
  { name: 'avelon-cache-warming', dependencies: ['avelon-config', 'avelon-cache-redis', 'avelon-cache'] },
);
