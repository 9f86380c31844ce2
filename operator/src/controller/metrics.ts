import { metric, metricCatalog } from '@avelon/core';
import { Registry } from 'prom-client';
import type { AppliedStatus } from '../crd/index.ts';
import type { Action } from '../decide/index.ts';

const m = metricCatalog;
const fieldLabel = { cpuTarget: 'cpu_target', minReplicas: 'min_replicas', cacheTtl: 'cache_ttl' } as const;

/** The operator's own metrics (served on /metrics), named in core's catalog. */
export class OperatorMetrics {
  readonly registry: Registry;
  constructor(registry = new Registry()) {
    this.registry = registry;
    for (const d of [
      m.operatorEvaluations,
      m.operatorChanges,
      m.operatorLeader,
      m.operatorSourceErrors,
      m.operatorWatchRestarts,
    ])
      metric(registry, d);
  }

  evaluated(
    policy: string,
    outcome: 'ok' | 'metrics_missing' | 'error',
    seconds: number,
    p95Ms?: number,
    available?: boolean,
  ) {
    metric(this.registry, m.operatorEvaluations).inc({ policy, outcome });
    metric(this.registry, m.operatorEvaluationSeconds).observe(seconds);
    const p95 = metric(this.registry, m.operatorObservedP95);
    if (p95Ms === undefined) p95.remove({ policy });
    else p95.set({ policy }, p95Ms / 1000);
    if (available !== undefined) metric(this.registry, m.operatorMetricsAvailable).set({ policy }, available ? 1 : 0);
  }

  changed(policy: string, a: Action, mode: 'applied' | 'dryRun' | 'refused') {
    metric(this.registry, m.operatorChanges).inc({
      policy,
      field: fieldLabel[a.kind],
      mode: mode === 'dryRun' ? 'dry_run' : mode,
    });
    if (mode === 'refused') return;
    if (a.kind === 'cpuTarget') metric(this.registry, m.operatorHpaCpuTarget).set({ policy, hpa: a.hpa }, a.to);
    if (a.kind === 'minReplicas') metric(this.registry, m.operatorHpaMinReplicas).set({ policy, hpa: a.hpa }, a.to);
    if (a.kind === 'cacheTtl') metric(this.registry, m.operatorCacheTtl).set({ policy, class: a.cls }, a.to);
  }

  /**
   * The values in force after an evaluation, every evaluation: without this the gauges of what was set
   * would be absent until the first change, and a dashboard or Grafana would show no target at all.
   */
  applied(policy: string, a: AppliedStatus) {
    if (a.api?.cpuTarget !== undefined)
      metric(this.registry, m.operatorHpaCpuTarget).set({ policy, hpa: a.api.hpa }, a.api.cpuTarget);
    const floors = [...(a.api ? [a.api] : []), ...(a.workers ?? [])];
    for (const f of floors)
      if (f.minReplicas !== undefined)
        metric(this.registry, m.operatorHpaMinReplicas).set({ policy, hpa: f.hpa }, f.minReplicas);
    for (const c of a.cacheTtls ?? [])
      metric(this.registry, m.operatorCacheTtl).set({ policy, class: c.class }, c.ttlSeconds);
  }

  sourceErrors(source: string, n: number) {
    if (n > 0) metric(this.registry, m.operatorSourceErrors).inc({ source }, n);
  }

  /** A status write, and why (see evaluate/status-write.ts). */
  statusWritten(policy: string, reason: 'new' | 'changed' | 'heartbeat') {
    metric(this.registry, m.operatorStatusWrites).inc({ policy, reason });
  }

  /** The watch of ScalingPolicies was lost and is restarted after a back-off. */
  watchRestarted() {
    metric(this.registry, m.operatorWatchRestarts).inc();
  }

  leader(isLeader: boolean) {
    metric(this.registry, m.operatorLeader).set(isLeader ? 1 : 0);
  }
}
