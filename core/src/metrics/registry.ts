import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricDef } from './define.ts';

type MetricFor<D extends MetricDef> = D['type'] extends 'counter'
  ? Counter<string>
  : D['type'] extends 'gauge'
    ? Gauge<string>
    : Histogram<string>;

/**
 * Returns the registry's metric for a catalog entry, creating it on first use, so several modules of
 * one process can ask for the same metric without "already registered" errors.
 */
export function metric<D extends MetricDef>(registry: Registry, d: D): MetricFor<D> {
  const existing = registry.getSingleMetric(d.name);
  if (existing) return existing as MetricFor<D>;
  const base = { name: d.name, help: d.help, labelNames: [...d.labelNames], registers: [registry] };
  switch (d.type) {
    case 'counter':
      return new Counter(base) as MetricFor<D>;
    case 'gauge':
      return new Gauge(base) as MetricFor<D>;
    case 'histogram':
      return new Histogram({ ...base, ...(d.buckets ? { buckets: [...d.buckets] } : {}) }) as MetricFor<D>;
  }
}

/** A registry holding Node's process metrics (CPU, memory, event-loop lag): where each app starts its own. */
export function processRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
