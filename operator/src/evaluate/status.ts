import type { ScalingPolicySpec, ScalingPolicyStatus } from '../crd/index.ts';
import type { Action, Observations } from '../decide/index.ts';
import type { RunnerState } from './state.ts';

/** Everything the status of one evaluation is made of. */
export interface StatusInput {
  spec: ScalingPolicySpec;
  obs: Observations;
  /** Every action decided (applied, dry run or refused): `applied` shows their new values. */
  actions: Action[];
  /** The decision's list of missing metrics. */
  missing: string[];
  /** The state after the evaluation (conditions, recent decisions). */
  state: RunnerState;
  now: number;
  generation?: number;
  identity: string;
}

const round = (v: number | undefined, d = 2) => (v === undefined ? undefined : Math.round(v * 10 ** d) / 10 ** d);

/**
 * The ScalingPolicy status after one evaluation: figures rounded for `kubectl get`, the values in
 * force (decided ones over what was read), at most 20 missing-metric lines.
 */
export function buildStatus(i: StatusInput): ScalingPolicyStatus {
  const { spec, obs, actions } = i;
  const after = (hpa: string, kind: 'cpuTarget' | 'minReplicas') =>
    actions.find((a) => a.kind === kind && a.hpa === hpa)?.to ?? obs.hpas[hpa]?.[kind];
  const ttl = (cls: string) => actions.find((a) => a.kind === 'cacheTtl' && a.cls === cls)?.to ?? obs.cacheTtls?.[cls];
  return {
    observedGeneration: i.generation,
    leader: i.identity,
    lastEvaluationTime: new Date(i.now).toISOString(),
    conditions: i.state.conditions,
    observed: {
      time: new Date(obs.at).toISOString(),
      p95LatencyMs: round(obs.p95LatencyMs),
      requestsPerSecond: round(obs.requestsPerSecond),
      dbQueriesPerSecond: round(obs.dbQueriesPerSecond),
      queues: (spec.workers ?? []).map((w) => {
        const q = obs.queues[w.queue];
        return q
          ? {
              queue: w.queue,
              backlog: q.backlog,
              oldestWaitSeconds: round(q.oldestWaitSeconds),
              arrivalPerSecond: round(q.arrivalPerSecond),
              completedPerSecond: round(q.completedPerSecond),
              workers: q.workers,
            }
          : { queue: w.queue, missing: 'not read' };
      }),
      cacheHitRates: Object.entries(obs.cacheHitRates)
        .filter((e): e is [string, number] => e[1] !== undefined)
        .map(([cls, hitRate]) => ({ class: cls, hitRate: round(hitRate, 4) as number })),
      missing: i.missing.slice(0, 20),
    },
    applied: {
      api: spec.api
        ? {
            hpa: spec.api.hpa,
            cpuTarget: after(spec.api.hpa, 'cpuTarget'),
            minReplicas: after(spec.api.hpa, 'minReplicas'),
          }
        : undefined,
      workers: (spec.workers ?? []).map((w) => ({
        queue: w.queue,
        hpa: w.hpa,
        minReplicas: after(w.hpa, 'minReplicas'),
      })),
      cacheTtls: (spec.cache?.classes ?? [])
        .map((c) => ({ class: c.name, ttlSeconds: ttl(c.name) }))
        .filter((c): c is { class: string; ttlSeconds: number } => c.ttlSeconds !== undefined),
    },
    recentDecisions: i.state.decisions,
  };
}
