import type { DecisionRecord, DecisionsResponse, PolicyTargets } from '@avelon/core';
import type { ScalingPolicySpec } from '../crd/index.ts';
import type { Action, Observations } from '../decide/index.ts';

/**
 * The process's record of decisions, served on `GET /decisions` for the dashboard: each with the values
 * it reacted to (the status keeps only the reason text, and only 20). Bounded; sequence-numbered so a
 * reader polling with `since` misses nothing the log still holds.
 */
export class DecisionLog {
  readonly capacity: number;
  #seq = 0;
  #records: DecisionRecord[] = [];
  readonly #policies = new Map<string, PolicyTargets>();

  constructor(capacity = 500) {
    this.capacity = capacity;
  }

  /** Remembers a policy's goals (called each evaluation; a policy edit shows at once). */
  policy(name: string, spec: ScalingPolicySpec): void {
    this.#policies.set(name, targetsOf(name, spec));
  }

  forget(name: string): void {
    this.#policies.delete(name);
  }

  record(policy: string, spec: ScalingPolicySpec, a: Action, mode: DecisionRecord['mode'], obs: Observations): void {
    const queue = a.kind === 'minReplicas' ? spec.workers?.find((w) => w.hpa === a.hpa)?.queue : undefined;
    this.#records.push({
      seq: ++this.#seq,
      policy,
      time: new Date(obs.at).toISOString(),
      target: a.target,
      kind: a.kind,
      ...(a.kind === 'cacheTtl' ? { cacheClass: a.cls } : { hpa: a.hpa }),
      ...(queue ? { queue } : {}),
      from: a.from,
      to: a.to,
      reason: a.reason,
      mode,
      observed: observedFor(spec, a, obs, queue),
    });
    if (this.#records.length > this.capacity) this.#records.splice(0, this.#records.length - this.capacity);
  }

  /** Decisions after `since` (oldest first) and every policy's goals. */
  since(since = 0): DecisionsResponse {
    return {
      latestSeq: this.#seq,
      capacity: this.capacity,
      policies: [...this.#policies.values()],
      decisions: this.#records.filter((r) => r.seq > since),
    };
  }
}

/** The observations a decision of this kind depends on, rounded, absent ones left out. */
function observedFor(spec: ScalingPolicySpec, a: Action, obs: Observations, queue?: string): Record<string, number> {
  const raw: Record<string, number | undefined> = {};
  if (a.kind === 'cacheTtl') {
    raw.hitRate = obs.cacheHitRates[a.cls];
    raw.hitRateTarget = spec.cache?.hitRateTarget;
    raw.dbQueriesPerSecond = obs.dbQueriesPerSecond;
    raw.dbPressureQueriesPerSecond = spec.cache?.dbQueriesPerSecond;
    raw.p95LatencyMs = obs.p95LatencyMs;
  } else if (queue) {
    const q = obs.queues[queue];
    raw.backlog = q?.backlog;
    raw.oldestWaitSeconds = q?.oldestWaitSeconds;
    raw.maxWaitSeconds = spec.workers?.find((w) => w.queue === queue)?.maxWaitSeconds;
    raw.arrivalPerSecond = q?.arrivalPerSecond;
    raw.completedPerSecond = q?.completedPerSecond;
    raw.workers = q?.workers;
  } else {
    raw.p95LatencyMs = obs.p95LatencyMs;
    raw.sloMs = spec.api?.p95LatencyMs;
    raw.requestsPerSecond = obs.requestsPerSecond;
    raw.cpuUtilization = obs.hpas[a.hpa]?.cpuUtilization;
  }
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw))
    if (v !== undefined && Number.isFinite(v)) out[k] = Math.round(v * 1e4) / 1e4;
  return out;
}

function targetsOf(name: string, spec: ScalingPolicySpec): PolicyTargets {
  return {
    name,
    ...(spec.api
      ? { api: { hpa: spec.api.hpa, p95LatencyMs: spec.api.p95LatencyMs, cpuTarget: { ...spec.api.cpuTarget } } }
      : {}),
    workers: (spec.workers ?? []).map((w) => ({
      queue: w.queue,
      hpa: w.hpa,
      maxWaitSeconds: w.maxWaitSeconds,
      replicas: { ...w.replicas },
    })),
    ...(spec.cache
      ? {
          cache: {
            hitRateTarget: spec.cache.hitRateTarget,
            classes: spec.cache.classes.map((c) => ({ name: c.name, ttlSeconds: { ...c.ttlSeconds } })),
          },
        }
      : {}),
  };
}
