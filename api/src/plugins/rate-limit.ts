import { createRequire } from 'node:module';
import { metric, metricCatalog } from '@avelon/core';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';

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

type StoreCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;
interface Store {
  incr(key: string, cb: StoreCallback, timeWindow: number, max: number): void;
  child(options: Record<string, unknown>): Store;
}
type RedisStoreCtor = new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: unknown,
  key?: string,
) => Store;
// The plugin's own Redis store (its Lua script), wrapped below; it ships without type declarations.
const RedisStore = createRequire(import.meta.url)('@fastify/rate-limit/store/RedisStore.js') as RedisStoreCtor;

const noop: Hook = async () => {};

/**
 * @fastify/rate-limit on the cache Redis. The general limit is the plugin's global hook, keyed by the
 * client address (request.ip, which honours X-Forwarded-For only from TRUST_PROXY). The specific limits
 * are separate counters checked by our own hooks, because the plugin runs one limit per request. When
 * Redis cannot be reached the policy is RATE_LIMIT_FAIL_OPEN, and every such check is counted.
 */
export async function registerRateLimits(app: FastifyInstance, deps: AppDeps): Promise<LimitHooks> {
  const c = deps.config;
  if (!c.RATE_LIMIT_ENABLED) return { auth: [], checkout: noop, writes: noop };
  const rejections = metric(deps.registry, metricCatalog.rateLimitRejections);
  const storeErrors = metric(deps.registry, metricCatalog.rateLimitStoreErrors);
  metric(deps.registry, metricCatalog.rateLimitFailOpen).set(c.RATE_LIMIT_FAIL_OPEN ? 1 : 0);
  const { breaker } = deps;
  const failOpen = c.RATE_LIMIT_FAIL_OPEN;

  class MeteredStore implements Store {
    readonly #inner: Store;
    readonly #limit: string;
    constructor(_params?: unknown, inner?: Store, limit = 'general') {
      this.#inner = inner ?? new RedisStore(false, false, deps.cacheRedis, 'avelon:rl:');
      this.#limit = limit;
    }
    incr(key: string, cb: StoreCallback, timeWindow: number, max: number): void {
      const fail = (cause: unknown) => {
        storeErrors.labels(this.#limit, failOpen ? 'allowed' : 'rejected').inc();
        cb(
          new ApiError('API_ERR_UNAVAILABLE', 'Rate limiting is unavailable.', {
            cause,
            headers: { 'retry-after': '1' },
          }),
        );
      };
      if (!breaker.available()) {
        fail(new Error('cache Redis unavailable'));
        return;
      }
      this.#inner.incr(
        key,
        (error, result) => {
          if (error) {
            breaker.failure();
            fail(error);
            return;
          }
          cb(null, result);
        },
        timeWindow,
        max,
      );
    }
    child(options: Record<string, unknown>): Store {
      const limit = typeof options.limitName === 'string' ? options.limitName : this.#limit;
      return new MeteredStore(undefined, this.#inner.child(options), limit);
    }
  }

  await app.register(fastifyRateLimit, {
    global: true,
    max: c.RATE_LIMIT_GENERAL_MAX,
    timeWindow: c.RATE_LIMIT_GENERAL_WINDOW_MS,
    // The plugin types its store against route options; ours only reads `limitName` from them.
    store: MeteredStore as never,
    skipOnError: failOpen,
    onExceeded: () => rejections.labels('general').inc(),
    errorResponseBuilder: (_request, context) =>
      new ApiError('API_ERR_RATE_LIMITED', `Rate limit exceeded, retry in ${context.after}.`),
  });

  const limiter = (limitName: string, max: number, timeWindow: number, key: (r: FastifyRequest) => string): Hook => {
    const check = app.createRateLimit({
      max,
      timeWindow,
      keyGenerator: (request) => `${limitName}:${key(request)}`,
      // Read by MeteredStore.child to label its metrics.
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
