import type { ScalingPolicySpec } from '../crd/index.ts';
import type { Observations } from '../decide/index.ts';
import type { PolicySources } from './builder.ts';

/** Observations without the parts the controller reads itself (HPAs, current TTLs). */
export type MetricObservations = Omit<Observations, 'hpas' | 'cacheTtls'>;

/** Reads every metric a policy needs from its sources, in parallel, into one set of observations. */
export async function observe(
  sources: PolicySources,
  spec: ScalingPolicySpec,
  now: number,
): Promise<MetricObservations> {
  const needApp = spec.api !== undefined || spec.cache !== undefined;
  const queues = (spec.workers ?? []).map((w) => w.queue);
  const shared = sources.app === sources.queues;
  const [app, q] = await Promise.all([
    needApp || (shared && queues.length)
      ? sources.app.read({ spec, app: needApp, queues: shared ? queues : [] }, now)
      : undefined,
    !shared && queues.length ? sources.queues.read({ spec, app: false, queues }, now) : undefined,
  ]);
  const queueReading = shared ? app : q;
  return {
    at: now,
    p95LatencyMs: app?.p95LatencyMs,
    requestsPerSecond: app?.requestsPerSecond,
    dbQueriesPerSecond: app?.dbQueriesPerSecond,
    cacheHitRates: app?.cacheHitRates ?? {},
    queues: Object.fromEntries(queues.map((name) => [name, queueReading?.queues?.[name]])),
    missing: [...(app?.missing ?? []), ...(shared ? [] : (q?.missing ?? []))],
  };
}
