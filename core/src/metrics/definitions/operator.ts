import { defineMetric as def } from '../define.ts';

/** The operator (operator/): what it observed, what it decided and applied, whether it leads. */
export const operatorMetrics = {
  operatorEvaluations: def({
    name: 'avelon_operator_evaluations_total',
    type: 'counter',
    help: 'Policy evaluations, by policy and outcome (ok, metrics_missing, error).',
    labelNames: ['policy', 'outcome'],
  }),
  operatorChanges: def({
    name: 'avelon_operator_changes_total',
    type: 'counter',
    help: 'Changes decided, by policy, field (cpu_target, min_replicas, cache_ttl) and mode (applied, dry_run, refused).',
    labelNames: ['policy', 'field', 'mode'],
  }),
  operatorHpaCpuTarget: def({
    name: 'avelon_operator_hpa_cpu_target_percent',
    type: 'gauge',
    help: 'CPU utilization target the operator last set (or would set, in dry-run) on an HPA.',
    labelNames: ['policy', 'hpa'],
  }),
  operatorHpaMinReplicas: def({
    name: 'avelon_operator_hpa_min_replicas',
    type: 'gauge',
    help: 'Replica floor (spec.minReplicas) the operator last set (or would set, in dry-run) on an HPA.',
    labelNames: ['policy', 'hpa'],
  }),
  operatorCacheTtl: def({
    name: 'avelon_operator_cache_ttl_seconds',
    type: 'gauge',
    help: 'Cache TTL per class the operator last wrote to the cache Redis.',
    labelNames: ['policy', 'class'],
  }),
  operatorObservedP95: def({
    name: 'avelon_operator_observed_p95_latency_seconds',
    type: 'gauge',
    help: 'API p95 latency as the operator computed it over its window (absent while the source is missing).',
    labelNames: ['policy'],
  }),
  operatorMetricsAvailable: def({
    name: 'avelon_operator_metrics_available',
    type: 'gauge',
    help: '1 when every metric a policy needs was read and fresh at the last evaluation, 0 when some were missing (values held).',
    labelNames: ['policy'],
  }),
  operatorSourceErrors: def({
    name: 'avelon_operator_source_errors_total',
    type: 'counter',
    help: 'Failed reads of a metric source, by source (scrape, prometheus, bullmq).',
    labelNames: ['source'],
  }),
  operatorLeader: def({
    name: 'avelon_operator_leader',
    type: 'gauge',
    help: '1 while this operator process holds the Lease and may write, 0 otherwise.',
    labelNames: [],
  }),
  operatorStatusWrites: def({
    name: 'avelon_operator_status_writes_total',
    type: 'counter',
    help: 'ScalingPolicy status writes, by policy and why (new, changed, heartbeat); an evaluation that changed nothing but the observed figures writes none until the heartbeat.',
    labelNames: ['policy', 'reason'],
  }),
  operatorWatchRestarts: def({
    name: 'avelon_operator_watch_restarts_total',
    type: 'counter',
    help: 'Times the watch of ScalingPolicies was lost (an error) and restarted after a back-off.',
    labelNames: [],
  }),
  operatorEvaluationSeconds: def({
    name: 'avelon_operator_evaluation_duration_seconds',
    type: 'histogram',
    help: 'Time of one evaluation: read the sources, decide, apply, write status.',
    labelNames: [],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
};
