// Metric sources, one file each behind one interface (source.ts), like KEDA's scalers: scrape (the
// services' /metrics, no Prometheus needed), prometheus (PromQL) and bullmq (the queue Redis itself).
// builder.ts maps a policy's source names to instances; observe.ts merges their readings.
export { buildPolicySources, buildSource, type PolicySources, type SourceDeps } from './builder.ts';
export { BullmqSource } from './bullmq.ts';
export { type MetricObservations, observe } from './observe.ts';
export { PrometheusSource } from './prometheus.ts';
export { type ResolveTargets, ScrapeSource } from './scrape.ts';
export type { MetricQuery, MetricSource, SourceName, SourceReading } from './source.ts';
