/**
 * Every metric of the platform, named once. The API, worker, operator and dashboard create their
 * metrics from these definitions, so a name is spelled in one place; docs/metrics.md is generated
 * from this list (`make docs`) and a test fails when it is stale.
 */
import { authMetrics } from './definitions/auth.ts';
import { cacheMetrics } from './definitions/cache.ts';
import { dbMetrics } from './definitions/db.ts';
import { httpMetrics } from './definitions/http.ts';
import { operatorMetrics } from './definitions/operator.ts';
import { outboxMetrics } from './definitions/outbox.ts';
import { queueMetrics } from './definitions/queue.ts';
import { rateLimitMetrics } from './definitions/ratelimit.ts';

export type { MetricDef, MetricType } from './define.ts';

export const metricCatalog = {
  ...dbMetrics,
  ...httpMetrics,
  ...cacheMetrics,
  ...authMetrics,
  ...rateLimitMetrics,
  ...queueMetrics,
  ...outboxMetrics,
  ...operatorMetrics,
} as const;

export type MetricName = keyof typeof metricCatalog;
