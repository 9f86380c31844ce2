import { cacheConnection, metric, metricCatalog } from '@avelon/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CircuitBreaker } from '../../cache/index.ts';
import { Subscriber } from '../../redis/subscriber.ts';
import { waitForReady } from '../../redis/wait-for-ready.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The cache Redis (evictable): L2 entries, TTL overrides, write positions, OTPs, rate limits. */
    cacheRedis: ReturnType<typeof cacheConnection>;
    /** Bypasses the cache Redis while it fails, so a Redis outage costs no request its timeout. */
    cacheBreaker: CircuitBreaker;
    /** The cache Redis's pub/sub: invalidations and TTL changes from every instance. */
    cacheSubscriber: Subscriber;
  }
}

/**
 * The cache Redis: a command connection with its breaker and a pub/sub connection. Listeners join the
 * bus while the plugins load; it subscribes once all have (onReady), so nothing published after start-up
 * is missed. Closed after every plugin that uses it (Fastify runs onClose hooks newest first).
 */
export const cacheRedisPlugin = fp(
  async (app: FastifyInstance) => {
    const { config } = app;
    const redis = cacheConnection(config.REDIS_CACHE_URL, config.REDIS_COMMAND_TIMEOUT_MS, 'api-cache');
    const subRedis = cacheConnection(config.REDIS_CACHE_URL, config.REDIS_COMMAND_TIMEOUT_MS, 'api-cache-sub');
    // Connection errors are expected while Redis is down; the breaker and /readyz report them.
    for (const r of [redis, subRedis]) r.on('error', () => {});
    const l2Available = metric(app.registry, metricCatalog.cacheL2Available);
    const breaker = new CircuitBreaker(redis, config.CACHE_BREAKER_MS, (ok) => {
      l2Available.set(ok ? 1 : 0);
      app.log.info({ available: ok }, ok ? 'cache Redis in use' : 'cache Redis unavailable: bypassing it');
    });
    const subscriber = new Subscriber(subRedis, app.log);

    app.decorate('cacheRedis', redis);
    app.decorate('cacheBreaker', breaker);
    app.decorate('cacheSubscriber', subscriber);
    app.addHook('onReady', () => subscriber.start());
    app.addHook('onClose', async () => {
      await subscriber.close();
      redis.disconnect();
    });
    await waitForReady(redis, 2000);
  },
  { name: 'avelon-cache-redis', dependencies: ['avelon-config'] },
);
