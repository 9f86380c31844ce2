import type { Redis } from 'ioredis';
import type { MetricsSpec } from '../crd/index.ts';
import { BullmqSource } from './bullmq.ts';
import { PrometheusSource } from './prometheus.ts';
import { type ResolveTargets, ScrapeSource } from './scrape.ts';
import type { MetricSource, SourceName } from './source.ts';

/** What building a source may need; each source takes only its part. */
export interface SourceDeps {
  resolveTargets: ResolveTargets;
  queueRedis: () => Redis;
  queuePrefix: string;
  timeoutMs?: number;
}

/** The one place a source name becomes a source (like KEDA's scalers_builder). */
export function buildSource(name: SourceName, deps: SourceDeps): MetricSource {
  switch (name) {
    case 'scrape':
      return new ScrapeSource(deps.resolveTargets, deps.timeoutMs);
    case 'prometheus':
      return new PrometheusSource(deps.timeoutMs);
    case 'bullmq':
      return new BullmqSource(deps.queueRedis(), deps.queuePrefix, deps.timeoutMs);
  }
}

/** The sources of one policy: one for the app metrics, one for the queues (the same one when equal). */
export interface PolicySources {
  app: MetricSource;
  queues: MetricSource;
  close(): Promise<void>;
}

export function buildPolicySources(metrics: MetricsSpec, deps: SourceDeps): PolicySources {
  const app = buildSource(metrics.source, deps);
  const queues = metrics.queueSource === metrics.source ? app : buildSource(metrics.queueSource, deps);
  return {
    app,
    queues,
    close: async () => {
      await app.close();
      if (queues !== app) await queues.close();
    },
  };
}
