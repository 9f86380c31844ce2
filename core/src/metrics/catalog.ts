/**
 * Every metric of the platform, named once. The API, worker, operator and dashboard create their
 * metrics from these definitions, so a name is spelled in one place; docs/metrics.md is generated
 * from this list (`make docs`) and a test fails when it is stale.
 */
import { dbMetrics } from './definitions/db.ts';
import { queueMetrics } from './definitions/queue.ts';

export type { MetricDef, MetricType } from './define.ts';

export const metricCatalog = {
  ...dbMetrics,
  ...queueMetrics,
} as const;

export type MetricName = keyof typeof metricCatalog;
