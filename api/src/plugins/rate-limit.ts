import { metric, metricCatalog } from '@avelon/core';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { warmHeader } from '../cache/index.ts';
import { ApiError } from '../errors.ts';
import { BatchedRedisStore } from '../rate-limit/batched-store.ts';
import { ExactRedisStore, type Store } from '../rate-limit/exact-store.ts';
import { generalLimitHook } from '../rate-limit/general-hook.ts';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Route hooks of the specific limits (the general one applies to every route by itself). */
export interface LimitHooks {
  /**
   * Sign-in: per client address, and per (email, client address) (preHandler: needs the parsed body).
   * Never per email alone: a stranger's requests would use up the owner's sign-in.
   */
  auth: Hook[];
  /** Checkout, per user (after the `user` hook). */
  checkout: Hook;
  /** Any write, per user (after the `user` hook). */
  writes: Hook;
}

const noop: Hook = async () => {};

declare module 'fastify' {
  interface FastifyInstance {
    /** Route hooks of the specific rate limits: `preHandler: app.limits.writes`. */
    limits: LimitHooks;
  }
}

/**
 * Rate limits on the cache Redis. The general limit is our own callback hook on every request
 * (rate-limit/general-hook.ts), keyed by the client address (request.ip, which honours X-Forwarded-For
 * only from TRUST_PROXY), and decided in process by a store that reconciles with Redis in batches
 * (rate-limit/batched-store.ts): no Redis round trip and no promise on a request. The specific limits are
 * @fastify/rate-limit's createRateLimit, checked by our hooks, because the plugin runs one limit per
 * request; they ask Redis on every check (rate-limit/exact-store.ts). When Redis cannot be reached the
 * policy is RATE_LIMIT_FAIL_OPEN, and every such check is counted.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate('limits', await registerRateLimits(app));
  },
  { name: 'avelon-rate-limit', dependencies: ['avelon-config', 'avelon-cache-redis', 'avelon-cache-warming'] },
);

async function registerRateLimits(app: FastifyInstance): Promise<LimitHooks> {
  const c = app.config;
  if (!c.RATE_LIMIT_ENABLED) return { auth: [], checkout: noop, writes: noop };
  const m = <K extends keyof typeof metricCatalog>(k: K) => metric(app.registry, metricCatalog[k]);
  const rejections = m('rateLimitRejections');
  const storeErrors = m('rateLimitStoreErrors');
  m('rateLimitFailOpen').set(c.RATE_LIMIT_FAIL_OPEN ? 1 : 0);
  const common = {
    redis: app.cacheRedis,
    breaker: app.cacheBreaker,
    prefix: 'avelon:rl:',
    failOpen: c.RATE_LIMIT_FAIL_OPEN,
  };
  const general = new BatchedRedisStore({
    ...common,
    limit: 'general',
    intervalMs: c.RATE_LIMIT_SYNC_INTERVAL_MS,
    syncHits: c.RATE_LIMIT_SYNC_HITS,
    maxKeys: c.RATE_LIMIT_LOCAL_MAX_KEYS,
    metrics: {
      localDecisions: m('rateLimitLocalDecisions'),
      syncs: m('rateLimitSyncs'),
      syncFailures: m('rateLimitSyncFailures'),
      storeErrors,
    },
    log: app.log,
  });
  general.start();
  app.addHook('onClose', () => general.close());
  const exact = new ExactRedisStore({ ...common, storeErrors }, 'general');

  /** What the plugin constructs from `store`: its children (the specific limits) are exact Redis counters. */
  class PluginStore implements Store {
    incr(...args: Parameters<Store['incr']>): void {
      exact.incr(...args);
    }
    child(options: Record<string, unknown>): Store {
      return exact.child(options);
    }
  }

  // The general limit: our synchronous hook on the batched store (rate-limit/general-hook.ts).
  const generalRejections = rejections.labels('general');
  app.addHook(
    'onRequest',
    generalLimitHook({
      store: general,
      max: c.RATE_LIMIT_GENERAL_MAX,
      windowMs: c.RATE_LIMIT_GENERAL_WINDOW_MS,
      // The cache warmer's own requests (injected in process, carrying its per-process token) are not a client's.
      skip: (request) => app.cacheWarmer.isWarmRequest(request.headers[warmHeader]),
      onExceeded: () => generalRejections.inc(),
    }),
  );
  // The plugin, for the specific limits only (createRateLimit below), each on an exact Redis counter.
  await app.register(fastifyRateLimit, {
    global: false,
    // The plugin types its store against route options; ours only reads `limitName` from them.
    store: PluginStore as never,
    skipOnError: c.RATE_LIMIT_FAIL_OPEN,
  });

  const limiter = (limitName: string, max: number, timeWindow: number, key: (r: FastifyRequest) => string): Hook => {
    const check = app.createRateLimit({
      max,
      timeWindow,
      keyGenerator: (request) => `${limitName}:${key(request)}`,
      // Read by ExactRedisStore.child to label its metrics.
      ...({ limitName } as object),
    });
    return async (request, reply) => {
      const result = await check(request);
      if (result.isAllowed) return;
      reply
        .header('x-ratelimit-limit', result.max)
        .header('x-ratelimit-remaining', result.remaining)
        .header('x-ratelimit-reset', result.ttlInSeconds);
      if (!result.isExceeded) return;
      rejections.labels(limitName).inc();
      throw new ApiError('API_ERR_RATE_LIMITED', `Rate limit (${limitName}) exceeded.`, {
        headers: { 'retry-after': String(result.ttlInSeconds) },
      });
    };
  };
  const userId = (r: FastifyRequest) => String(r.user?.id ?? r.ip);
  const email = (r: FastifyRequest) => {
    const body = r.body as { email?: unknown } | undefined;
    return typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
  };
  return {
    auth: [
      limiter('auth_ip', c.RATE_LIMIT_AUTH_MAX, c.RATE_LIMIT_AUTH_WINDOW_MS, (r) => r.ip),
      limiter('auth_email', c.RATE_LIMIT_AUTH_EMAIL_MAX, c.RATE_LIMIT_AUTH_WINDOW_MS, (r) => `${email(r)}|${r.ip}`),
    ],
    checkout: limiter('checkout', c.RATE_LIMIT_CHECKOUT_MAX, c.RATE_LIMIT_CHECKOUT_WINDOW_MS, userId),
    writes: limiter('writes', c.RATE_LIMIT_WRITES_MAX, c.RATE_LIMIT_WRITES_WINDOW_MS, userId),
  };
}
