// The API's configuration: the only reader of process.env. Every option has its default and one line
// of why; loadConfig reports every bad key at once.
import {
  ConfigError,
  databaseConfigShape,
  envBool,
  envInt,
  envList,
  envLogLevel,
  loadConfig,
  nodeEnvShape,
  opsConfigShape,
  queueConfigShape,
  redisConfigShape,
  refuseDevelopmentSecrets,
  refuseSharedOpsPort,
} from '@avelon/core';
import { z } from 'zod';

/** Every option of the API, with its default and why it exists (listed in docs/configuration.md). */
export const apiConfigShape = {
  ...nodeEnvShape,
  ...databaseConfigShape,
  ...redisConfigShape,
  ...queueConfigShape,
  PORT: envInt(15410, 0, 65535).describe('HTTP port (make up sets it from AVELON_API_PORT).'),
  HOST: z.string().default('127.0.0.1').describe('Interface to listen on; 0.0.0.0 in a container.'),
  LOG_LEVEL: envLogLevel().describe(
    'pino level. Requests are not logged one by one (nothing per cache hit); errors and 5xx are.',
  ),
  TRUST_PROXY: envList('').describe(
    'Comma-separated addresses/CIDRs of reverse proxies whose X-Forwarded-For is believed; empty trusts none.',
  ),
  // Never on PORT: internals (metrics) and the API's full description (docs) are for operations only.
  ...opsConfigShape(15415, ' and /docs (make up sets it from AVELON_API_OPS_PORT; the image: 9464)'),
  HTTP_REQUEST_TIMEOUT_MS: envInt(30_000, 100).describe(
    'A request (headers and body) not received in full within this is answered 408 and its socket closed.',
  ),
  HTTP_HEADERS_TIMEOUT_MS: envInt(10_000, 100).describe(
    'Headers not received in full within this get 408 (slow-headers clients); at most HTTP_REQUEST_TIMEOUT_MS.',
  ),
  HTTP_CONNECTION_TIMEOUT_MS: envInt(30_000, 100).describe(
    'A socket silent this long in the middle of a request is closed.',
  ),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: envInt(72_000, 100).describe(
    'An idle keep-alive socket is closed after this; longer than the 60 s idle timeout of common load balancers, so they close first.',
  ),
  HTTP_TIMEOUT_CHECK_INTERVAL_MS: envInt(1000, 10, 30_000).describe(
    'How often sockets are checked against the request and headers timeouts (Node: 30 s), i.e. how late a cut can be.',
  ),
  BODY_LIMIT_BYTES: envInt(64 * 1024, 1024).describe('Largest request body accepted; larger gets 413.'),
  INSTANCE_ID: z
    .string()
    .default('')
    .describe('Names this process in cache messages and logs; empty picks host-pid-random.'),

  CACHE_ENABLED: envBool(true).describe('Off sends every read to the database (benchmarks compare both).'),
  // 64 MiB: a sixth of the chart's 384 MiB API limit. L1 lives on the V8 heap, whose limit V8 derives
  // from the container's memory (a fraction of it), and the rest of the process (requests, drivers, GC
  // headroom) needs most of that. Holds ~20k entries of 2 KiB. No entry-count cap: each entry is
  // charged at least 400 bytes, so the budget bounds the count too (64 MiB: under 170k entries).
  CACHE_L1_MAX_BYTES: envInt(64 * 1024 * 1024, 0).describe(
    'In-process cache budget in bytes (estimated heap of bodies, keys and bookkeeping); a value over 1/16 of it is not kept in memory; 0 keeps only Redis (L2).',
  ),
  CACHE_L2_ENABLED: envBool(true).describe('Use the cache Redis as the shared second tier.'),
  CACHE_GRACE_SECONDS: envInt(900, 0).describe(
    'How long past its TTL a value is still served: while it reloads in the background (stale-while-revalidate), or while the database is slow or down. 0 turns both off.',
  ),
  CACHE_REFRESH_AHEAD_PERCENT: envInt(80, 1, 100).describe(
    'A value served after this share of its TTL is reloaded in the background, so hot keys never expire into a miss; 100 turns refresh-ahead off.',
  ),
  CACHE_MAX_BACKGROUND_REFRESHES: envInt(4, 0).describe(
    'Background reloads at once per API process (refresh-ahead and stale-while-revalidate); more wait for a later request, so expiring keys cannot take the connections misses need.',
  ),
  CACHE_WARM_KEYS: envInt(2000, 0).describe(
    'How many of the most requested public URLs (sampled into the cache Redis by every instance) a process requests when it starts and after a coarse invalidation; 0 turns warming off.',
  ),
  CACHE_REWARM_KEYS: envInt(200, 0).describe(
    'How many of the most popular URLs each process re-requests after a coarse invalidation (at most once every 5 s), so the first shoppers after a bulk change find the hottest pages loaded.',
  ),
  CACHE_WARM_CONCURRENCY: envInt(4, 1, 64).describe('Warm-up requests at once.'),
  CACHE_WARM_TIMEOUT_MS: envInt(15_000, 0).describe(
    'How long a starting process warms before it listens (the rest continues in the background); keep it well under the startup probe.',
  ),
  CACHE_POPULARITY_SAMPLE: envInt(8, 1).describe('One public GET in this many is counted towards popularity.'),
  CACHE_POPULARITY_DECAY_SECONDS: envInt(3600, 60).describe(
    'Popularity scores are halved once per this period, so past traffic fades.',
  ),
  CACHE_SOFT_TIMEOUT_MS: envInt(150, 1).describe(
    'A refresh slower than this answers with the stale value (when one is in grace) and finishes in the background.',
  ),
  CACHE_TTL_POLL_MS: envInt(500, 50, 60_000).describe(
    'How often TTL overrides are re-read from Redis, besides the change message.',
  ),
  CACHE_DEGRADED_L1_MAX_AGE_MS: envInt(1000, 0).describe(
    'While invalidation messages cannot be received (Redis down), in-process values older than this are refreshed.',
  ),
  CACHE_BREAKER_MS: envInt(2000, 100).describe('After a cache Redis failure, how long to leave Redis alone.'),
  HTTP_CACHE_MAX_AGE_SECONDS: envInt(0, 0).describe(
    'max-age of public GETs; 0 makes clients revalidate with If-None-Match every time (cheap 304s).',
  ),

  JWT_SECRET: z
    .string()
    .min(32)
    .default('avelon-local-development-secret-change-me!')
    .describe('HS256 key of access tokens; set a real secret of 32+ characters in every installation.'),
  JWT_ISSUER: z.string().default('avelon-api').describe('iss claim of access tokens.'),
  ACCESS_TOKEN_TTL_SECONDS: envInt(900, 30).describe('Lifetime of an access token (and of its session).'),
  OTP_TTL_SECONDS: envInt(600, 30).describe('How long a one-time sign-in code is valid.'),
  OTP_MAX_ATTEMPTS: envInt(5, 1, 100).describe(
    'Wrong codes one client address may try for one email address within OTP_TTL_SECONDS; then it is refused (others are not).',
  ),
  OTP_MAX_PENDING: envInt(5, 1, 50).describe(
    'Codes of one email address valid at once (a new request adds one, the oldest goes): a stranger asking cannot void the owner’s.',
  ),

  RATE_LIMIT_ENABLED: envBool(true).describe('Off disables every limit (benchmarks of the bare request path).'),
  RATE_LIMIT_FAIL_OPEN: envBool(true).describe(
    'When Redis cannot be reached: true lets requests through (the general limit still counts per instance), false answers 503; visible as avelon_ratelimit_fail_open.',
  ),
  RATE_LIMIT_GENERAL_MAX: envInt(100, 1).describe('Requests per client address per window, every route.'),
  RATE_LIMIT_GENERAL_WINDOW_MS: envInt(60_000, 1000).describe('Window of the general limit.'),
  RATE_LIMIT_SYNC_INTERVAL_MS: envInt(100, 10, 10_000).describe(
    'How often the general limit’s local counts are reconciled with Redis (T of its error bound, docs/api.md "Rate limits").',
  ),
  RATE_LIMIT_SYNC_HITS: envInt(100, 1).describe(
    'A client with this many hits not yet sent to Redis is reconciled at once, before the next interval.',
  ),
  RATE_LIMIT_LOCAL_MAX_KEYS: envInt(100_000, 100).describe(
    'Client keys of the general limit held in memory; beyond it the oldest are forgotten (their hits still reach Redis).',
  ),
  RATE_LIMIT_AUTH_MAX: envInt(5, 1).describe('Sign-in requests per client address per window, whatever the email.'),
  RATE_LIMIT_AUTH_EMAIL_MAX: envInt(3, 1).describe(
    'Sign-in requests per (email address, client address) per window; never across addresses, so no one can exhaust another’s sign-in.',
  ),
  RATE_LIMIT_AUTH_WINDOW_MS: envInt(300_000, 1000).describe('Window of the sign-in limits.'),
  RATE_LIMIT_CHECKOUT_MAX: envInt(10, 1).describe('Checkouts per user per window.'),
  RATE_LIMIT_CHECKOUT_WINDOW_MS: envInt(600_000, 1000).describe('Window of the checkout limit.'),
  RATE_LIMIT_WRITES_MAX: envInt(20, 1).describe('Writes (POST/PATCH/DELETE) per user per window.'),
  RATE_LIMIT_WRITES_WINDOW_MS: envInt(60_000, 1000).describe('Window of the write limit.'),

  OTEL_ENABLED: envBool(false).describe(
    'Registers @fastify/otel; spans go to the global tracer provider (no-op unless an SDK and exporter are loaded).',
  ),
  DOCS_ENABLED: envBool(true).describe('Serve the OpenAPI document and Swagger UI at /docs.'),
};

export type ApiConfig = ReturnType<typeof loadApiConfig>;

// Anyone can read this default here; production refuses it.
const developmentJwtSecret = apiConfigShape.JWT_SECRET.parse(undefined);

/**
 * Reads and validates the environment once; throws ConfigError listing every bad key, and, in production,
 * the development JWT secret.
 */
export function loadApiConfig(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(apiConfigShape, env);
  refuseDevelopmentSecrets(config, [
    { name: 'JWT_SECRET', value: config.JWT_SECRET, developmentDefault: developmentJwtSecret },
  ]);
  refuseSharedOpsPort(config);
  if (config.HTTP_HEADERS_TIMEOUT_MS > config.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(['HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS']);
  }
  return config;
}
