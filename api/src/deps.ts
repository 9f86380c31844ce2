import { hostname } from 'node:os';
import {
  cacheConnection,
  DatabaseRouter,
  metric,
  metricCatalog,
  processRegistry,
  RedisWritePositionStore,
  type WritePositionStore,
} from '@avelon/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import { OtpService } from './auth/otp.ts';
import { SessionService } from './auth/sessions.ts';
import { TokenSigner } from './auth/tokens.ts';
import { CacheInvalidator, CircuitBreaker, L1Store, L2Store, TtlRegistry, TwoTierCache } from './cache/index.ts';
import type { ApiConfig } from './config.ts';
import { type ApiJobs, createJobProducer } from './queue/producer.ts';
import { Subscriber } from './redis/subscriber.ts';

type Redis = ReturnType<typeof cacheConnection>;

/** Everything the routes use, built once per process and closed on shutdown. */
export interface AppDeps {
  config: ApiConfig;
  instanceId: string;
  registry: Registry;
  db: DatabaseRouter;
  writePositions: WritePositionStore;
  cacheRedis: Redis;
  breaker: CircuitBreaker;
  subscriber: Subscriber;
  /** The queue Redis connection of sessions (durable, never evicted), with its own breaker and bus. */
  sessionRedis: Redis;
  sessionBreaker: CircuitBreaker;
  sessionSubscriber: Subscriber;
  cache: TwoTierCache;
  invalidator: CacheInvalidator;
  ttls: TtlRegistry;
  tokens: TokenSigner;
  sessions: SessionService;
  otp: OtpService;
  jobs: ApiJobs;
  close(): Promise<void>;
}

/** Connects to Postgres and both Redis servers and wires the cache, sessions and queue producer. */
export async function createDeps(config: ApiConfig, log: FastifyBaseLogger): Promise<AppDeps> {
  const instanceId = config.INSTANCE_ID || `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  const registry = processRegistry();
  const m = <K extends keyof typeof metricCatalog>(k: K) => metric(registry, metricCatalog[k]);

  const cacheRedis = cacheConnection(config.REDIS_CACHE_URL, config.REDIS_COMMAND_TIMEOUT_MS, 'api-cache');
  const subRedis = cacheConnection(config.REDIS_CACHE_URL, config.REDIS_COMMAND_TIMEOUT_MS, 'api-cache-sub');
  // Connection errors are expected while Redis is down; the breaker and /readyz report them.
  for (const r of [cacheRedis, subRedis]) r.on('error', () => {});
  const l2Available = m('cacheL2Available');
  const breaker = new CircuitBreaker(cacheRedis, config.CACHE_BREAKER_MS, (ok) => {
    l2Available.set(ok ? 1 : 0);
    log.info({ available: ok }, ok ? 'cache Redis in use' : 'cache Redis unavailable: bypassing it');
  });
  const subscriber = new Subscriber(subRedis, log);

  // Sessions live in the queue Redis (noeviction + AOF): a cache Redis restart or eviction must not sign
  // anyone out. The connection has the cache's request-path options (short command timeout, no offline
  // queue) and a breaker of its own, so a queue Redis outage degrades sessions the way a cache outage
  // degrades the cache. Revocations travel on the same Redis, so they fail together with the sessions.
  const sessionRedis = cacheConnection(config.REDIS_QUEUE_URL, config.REDIS_COMMAND_TIMEOUT_MS, 'api-sessions');
  const sessionSubRedis = cacheConnection(config.REDIS_QUEUE_URL, config.REDIS_COMMAND_TIMEOUT_MS, 'api-sessions-sub');
  for (const r of [sessionRedis, sessionSubRedis]) r.on('error', () => {});
  const sessionBreaker = new CircuitBreaker(sessionRedis, config.CACHE_BREAKER_MS, (ok) => {
    log.info(
      { available: ok },
      ok ? 'queue Redis in use for sessions' : 'queue Redis unavailable: sessions from memory',
    );
  });
  const sessionSubscriber = new Subscriber(sessionSubRedis, log, 'queue Redis');

  const writePositions = new RedisWritePositionStore(
    cacheRedis,
    Math.max(60_000, 4 * config.DATABASE_REPLICA_MAX_LAG_MS),
  );
  const db = new DatabaseRouter({ config, registry, applicationName: 'avelon-api', writePositions });

  const ttls = new TtlRegistry({
    redis: cacheRedis,
    breaker,
    gauge: m('cacheTtlSeconds'),
    pollMs: config.CACHE_TTL_POLL_MS,
  });
  const l1 = new L1Store(config.CACHE_L1_MAX_ENTRIES);
  const l2 = config.CACHE_L2_ENABLED ? new L2Store(cacheRedis) : undefined;
  const cache = new TwoTierCache({
    enabled: config.CACHE_ENABLED,
    l1,
    l2,
    breaker,
    ttls,
    busHealthy: () => subscriber.healthy,
    graceMs: config.CACHE_GRACE_SECONDS * 1000,
    softTimeoutMs: config.CACHE_SOFT_TIMEOUT_MS,
    degradedL1MaxAgeMs: config.CACHE_DEGRADED_L1_MAX_AGE_MS,
    lookups: m('cacheLookups'),
    loads: m('cacheLoads'),
    l2Errors: m('cacheL2Errors'),
    log,
  });
  const l1Entries = m('cacheL1Entries');
  const l1Gauge = setInterval(() => l1Entries.set(l1.size), 5000).unref();
  const invalidator = new CacheInvalidator({
    cache,
    l2,
    redis: cacheRedis,
    breaker,
    origin: instanceId,
    counter: m('cacheInvalidations'),
    log,
  });
  const sessions = new SessionService({
    redis: sessionRedis,
    breaker: sessionBreaker,
    ttls,
    busHealthy: () => sessionSubscriber.healthy,
    degradedMaxAgeMs: config.CACHE_DEGRADED_L1_MAX_AGE_MS,
    checks: m('authSessionChecks'),
    revocations: m('authRevocations'),
    log,
  });
  const otp = new OtpService({
    redis: cacheRedis,
    breaker,
    secret: config.JWT_SECRET,
    ttlSeconds: config.OTP_TTL_SECONDS,
    maxAttempts: config.OTP_MAX_ATTEMPTS,
    maxPending: config.OTP_MAX_PENDING,
  });
  const tokens = new TokenSigner(config.JWT_SECRET, config.JWT_ISSUER, config.ACCESS_TOKEN_TTL_SECONDS);
  const jobs = createJobProducer(config.REDIS_QUEUE_URL, config, registry);

  // Listeners first, then subscribe: nothing published after start-up is missed.
  invalidator.start(subscriber);
  sessions.start(sessionSubscriber);
  await Promise.all([waitForReady(cacheRedis, 2000), waitForReady(sessionRedis, 2000)]);
  await ttls.start(subscriber);
  await subscriber.start();
  await sessionSubscriber.start();
  await db.start();

  return {
    config,
    instanceId,
    registry,
    db,
    writePositions,
    cacheRedis,
    breaker,
    subscriber,
    sessionRedis,
    sessionBreaker,
    sessionSubscriber,
    cache,
    invalidator,
    ttls,
    tokens,
    sessions,
    otp,
    jobs,
    async close() {
      clearInterval(l1Gauge);
      ttls.stop();
      invalidator.stop();
      await subscriber.close();
      await sessionSubscriber.close();
      await jobs.close();
      await db.close();
      cacheRedis.disconnect();
      sessionRedis.disconnect();
    },
  };
}

/** Gives a starting Redis a moment to connect; the API starts without it if it does not. */
async function waitForReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
  });
}
