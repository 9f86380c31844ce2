import { metric, metricCatalog } from '@avelon/core';
import { Registry } from 'prom-client';
import type { Action } from '../decide/index.ts';

const m = metricCatalog;
const fieldLabel = { cpuTarget: 'cpu_target', minReplicas: 'min_replicas', cacheTtl: 'cache_ttl' } as const;

/** The operator's own metrics (served on /metrics), named in core's catalog. */
export class OperatorMetrics {
  readonly registry: Registry;
  constructor(registry = new Registry()) {
    this.registry = registry;
    for (const d of [m.operatorEvaluations, m.operatorChanges, m.operatorLeader, m.operatorSourceErrors])
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

  sourceErrors(source: string, n: number) {
    if (n > 0) metric(this.registry, m.operatorSourceErrors).inc({ source }, n);
  }

  leader(isLeader: boolean) {
    metric(this.registry, m.operatorLeader).set(isLeader ? 1 : 0);
  }
}
