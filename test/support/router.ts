// Builds a DatabaseRouter on the test stack with its own metrics registry, so tests can read the
// counters of just their router.
import { type DatabaseConfig, DatabaseRouter, databaseConfigShape, loadConfig } from '@avelon/core';
import { Registry } from 'prom-client';
import { stack } from './stack.ts';

export function testRouter(overrides: Partial<Record<keyof DatabaseConfig, string>> = {}) {
  const config = loadConfig(databaseConfigShape, {
    DATABASE_URL: stack.DATABASE_URL,
    DATABASE_REPLICA_URLS: stack.DATABASE_REPLICA_URLS.join(','),
    DATABASE_MIGRATION_URL: stack.DATABASE_MIGRATION_URL,
    DATABASE_REPLICA_CHECK_INTERVAL_MS: '100',
    ...overrides,
  });
  const registry = new Registry();
  const router = new DatabaseRouter({ config, registry, applicationName: 'avelon-test' });
  return { router, registry };
}

/** The value of one labelled series of a counter or gauge in a registry (0 when absent). */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want));
  return match?.value ?? 0;
}
