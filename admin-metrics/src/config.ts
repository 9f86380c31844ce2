// The dashboard's configuration: the only reader of process.env. Every option has its default and one
// line of why; loadConfig reports every bad key at once.
import {
  envBool,
  envInt,
  envList,
  envLogLevel,
  envUrlList,
  loadConfig,
  nodeEnvShape,
  opsConfigShape,
  refuseDevelopmentSecrets,
  refuseSharedOpsPort,
} from '@avelon/core';
import { z } from 'zod';

/** Every option of the dashboard, with its default and why it exists (listed in docs/configuration.md). */
export const dashboardConfigShape = {
  ...nodeEnvShape,
  PORT: envInt(15413, 0, 65535).describe('HTTP port (make up sets it from AVELON_DASHBOARD_PORT).'),
  HOST: z.string().default('127.0.0.1').describe('Interface to listen on; 0.0.0.0 in a container.'),
  ...opsConfigShape(15416, ' (make up sets it from AVELON_DASHBOARD_OPS_PORT)'),
  LOG_LEVEL: envLogLevel('warn').describe('pino level; `info` logs every request.'),
  TRUST_PROXY: envList('').describe(
    'Comma-separated addresses/CIDRs of reverse proxies whose X-Forwarded-For is believed (login rate limit per client).',
  ),
  DASHBOARD_STATIC_DIR: z
    .string()
    .default('')
    .describe('The built page; empty: admin-metrics/dist (npm run build -w @avelon/admin-metrics writes it).'),

  ADMIN_USER: z.string().min(1).default('admin').describe('The admin login name.'),
  ADMIN_PASSWORD_HASH: z
    .string()
    .default('')
    .describe(
      'scrypt hash of the admin password (`node admin-metrics/src/auth/hash-password.ts`); from a Secret in a cluster. Wins over ADMIN_PASSWORD.',
    ),
  ADMIN_PASSWORD: z
    .string()
    .default('')
    .describe(
      'Plain admin password, for a local stack only (make up sets one); empty with no hash: nobody can log in.',
    ),
  SESSION_SECRET: z
    .string()
    .min(32)
    .default('avelon-local-dashboard-session-secret-change-me')
    .describe('HMAC key of the session cookie; set a real secret of 32+ characters in every installation.'),
  SESSION_TTL_SECONDS: envInt(8 * 3600, 60).describe('How long a login lasts.'),
  SESSION_COOKIE_SECURE: envBool(false).describe('Mark the cookie Secure (HTTPS only); true behind TLS.'),
  LOGIN_RATE_LIMIT_MAX: envInt(10, 1).describe('Login attempts per client address per window; more get 429.'),
  LOGIN_RATE_LIMIT_WINDOW_MS: envInt(5 * 60_000, 1000).describe('Window of the login limit.'),

  METRICS_SOURCE: z
    .enum(['scrape', 'prometheus'])
    .default('scrape')
    .describe('scrape: read the services\u2019 /metrics and keep history in memory; prometheus: ask PROMETHEUS_URL.'),
  PROMETHEUS_URL: z.string().default('').describe('Base URL of a Prometheus HTTP API (METRICS_SOURCE=prometheus).'),
  SCRAPE_INTERVAL_MS: envInt(5000, 500, 60_000).describe('How often the sources are read (one history point each).'),
  SCRAPE_TIMEOUT_MS: envInt(2000, 100, 30_000).describe('A target slower than this counts as unreachable.'),
  HISTORY_FINE_SECONDS: envInt(3600, 60, 6 * 3600).describe('History kept at full resolution (5 min and 1 h views).'),
  HISTORY_COARSE_STEP_SECONDS: envInt(60, 10, 3600).describe('Resolution of the long history (24 h view).'),
  HISTORY_COARSE_SECONDS: envInt(24 * 3600, 0, 7 * 86400).describe('Long history kept at the coarse resolution.'),
  HISTORY_MAX_SERIES: envInt(400, 10, 10_000).describe(
    'Series kept at most (routes, classes, queues ...): bounds memory.',
  ),

  METRICS_API_URLS: envUrlList('http://127.0.0.1:15415/metrics').describe(
    'API /metrics URLs (static targets): its ops port (OPS_PORT).',
  ),
  METRICS_WORKER_URLS: envUrlList('http://127.0.0.1:15411/metrics').describe('Worker /metrics URLs.'),
  METRICS_OPERATOR_URLS: envUrlList('http://127.0.0.1:15412/metrics').describe('Operator /metrics URLs.'),
  OPERATOR_URL: z
    .string()
    .default('http://127.0.0.1:15412')
    .describe('Base URL of the operator whose /decisions record is shown on the charts; empty: no decisions.'),

  KUBERNETES_DISCOVERY: envBool(false).describe(
    'Find the scrape targets through EndpointSlices of the Services below (in a cluster) instead of the static URLs.',
  ),
  KUBERNETES_NAMESPACE: z.string().default('default').describe('Namespace of the Services.'),
  KUBERNETES_API_SERVICE: z.string().default('avelon-api').describe('Service of the API pods.'),
  KUBERNETES_WORKER_SERVICE: z.string().default('avelon-worker').describe('Service of the worker pods.'),
  KUBERNETES_OPERATOR_SERVICE: z.string().default('avelon-operator').describe('Service of the operator pods.'),
  KUBERNETES_METRICS_PORT: z
    .string()
    .default('metrics')
    .describe('Named port of /metrics in those Services (every app\u2019s ops port is named metrics).'),
  KUBECONFIG: z
    .string()
    .default('')
    .describe('kubeconfig path for discovery; empty uses the pod\u2019s service account.'),

  ERROR_RATE_TARGET: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.01)
    .describe('Share of 5xx answers drawn as the error panel\u2019s target line.'),
  REPLICA_LAG_TARGET_SECONDS: z.coerce
    .number()
    .min(0)
    .default(2)
    .describe('Replica lag drawn as the target line (the API takes a replica out of rotation past its bound).'),
};

export type DashboardConfig = ReturnType<typeof loadDashboardConfig>;

// Anyone can read this default here; production refuses it.
const developmentSessionSecret = dashboardConfigShape.SESSION_SECRET.parse(undefined);

/**
 * Reads and validates the environment once; throws ConfigError listing every bad key, and, in
 * production, the development session secret.
 */
export function loadDashboardConfig(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(dashboardConfigShape, env);
  refuseDevelopmentSecrets(config, [
    { name: 'SESSION_SECRET', value: config.SESSION_SECRET, developmentDefault: developmentSessionSecret },
  ]);
  refuseSharedOpsPort(config);
  return config;
}
