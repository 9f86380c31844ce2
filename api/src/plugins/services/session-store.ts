import { cacheConnection, metric, metricCatalog } from '@avelon/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { SessionService } from '../../auth/sessions.ts';
import { CircuitBreaker } from '../../cache/index.ts';
import { Subscriber } from '../../redis/subscriber.ts';
import { waitForReady } from '../../redis/wait-for-ready.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The queue Redis connection of sessions (durable, never evicted). */
    sessionRedis: ReturnType<typeof cacheConnection>;
    sessionBreaker: CircuitBreaker;
    /** The queue Redis's pub/sub: session revocations from every instance. */
    sessionSubscriber: Subscriber;
    sessions: SessionService;
  }
}

/**
 * Sessions live in the queue Redis (noeviction + AOF): a cache Redis restart or eviction must not sign
 * anyone out. The connection has the cache's request-path options (short command timeout, no offline
 * queue) and a breaker of its own, so a queue Redis outage degrades sessions the way a cache outage
 * degrades the cache. Revocations travel on the same Redis, so they fail together with the sessions.
 */
export const sessionStorePlugin = fp(
  async (app: FastifyInstance) => {
    const { config, log } = app;
    const redis = cacheConnection(config.REDIS_QUEUE_URL, config.REDIS_COMMAND_TIMEOUT_MS, 'api-sessions');
    const subRedis = cacheConnection(config.REDIS_QUEUE_URL, config.REDIS_COMMAND_TIMEOUT_MS, 'api-sessions-sub');
    for (const r of [redis, subRedis]) r.on('error', () => {});
    const breaker = new CircuitBreaker(redis, config.CACHE_BREAKER_MS, (ok) => {
      log.info(
        { available: ok },
        ok ? 'queue Redis in use for sessions' : 'queue Redis unavailable: sessions from memory',
      );
    });
    const subscriber = new Subscriber(subRedis, log, 'queue Redis');
    const sessions = new SessionService({
      redis,
      breaker,
      ttls: app.ttls,
      busHealthy: () => subscriber.healthy,
      degradedMaxAgeMs: config.CACHE_DEGRADED_L1_MAX_AGE_MS,
      checks: metric(app.registry, metricCatalog.authSessionChecks),
      revocations: metric(app.registry, metricCatalog.authRevocations),
      log,
    });

    app.decorate('sessionRedis', redis);
    app.decorate('sessionBreaker', breaker);
    app.decorate('sessionSubscriber', subscriber);
    app.decorate('sessions', sessions);
    // Listeners first, then subscribe (once every plugin has loaded): no revocation is missed.
    sessions.start(subscriber);
    app.addHook('onReady', () => subscriber.start());
    app.addHook('onClose', async () => {
      await subscriber.close();
      redis.disconnect();
    });
    await waitForReady(redis, 2000);
  },
  { name: 'avelon-session-store', dependencies: ['avelon-config', 'avelon-cache'] },
);
