/**
 * The stock Kubernetes HPA v2 algorithm as the simulator runs it for every strategy (the operator moves
 * the HPA's target and floor; the HPA still does the scaling): desired = ceil(current * metric / target)
 * outside a 0.1 tolerance, synced every 15 s, scale-up at most max(+4, +100%) per sync, scale-down to
 * the highest recommendation of the last 300 s.
 */
export interface HpaModel {
  minReplicas: number;
  maxReplicas: number;
  /** Target of the metric (CPU utilization percent, or the external metric's average value). */
  target: number;
  /** Replicas the HPA asks for (the Deployment's spec.replicas). */
  desired: number;
  /** [time, recommendation] within the stabilization window. */
  recommendations: Array<[number, number]>;
  lastSync: number;
}

export const hpaDefaults = { syncSeconds: 15, tolerance: 0.1, downStabilizationSeconds: 300 };

export function newHpa(min: number, max: number, target: number): HpaModel {
  return {
    minReplicas: min,
    maxReplicas: max,
    target,
    desired: min,
    recommendations: [],
    lastSync: Number.NEGATIVE_INFINITY,
  };
}

/**
 * One reconcile at time `t` (seconds) with `current` ready replicas and the metric's current value
 * (utilization percent averaged over pods, or the external metric's per-pod average). Mutates `h`.
 */
export function hpaReconcile(h: HpaModel, t: number, current: number, metric: number | undefined, force = false): void {
  if (!force && t - h.lastSync < hpaDefaults.syncSeconds) return;
  h.lastSync = t;
  let rec = h.desired;
  if (metric !== undefined && current > 0) {
    const ratio = metric / h.target;
    rec = Math.abs(ratio - 1) <= hpaDefaults.tolerance ? current : Math.ceil(current * ratio);
  }
  h.recommendations = h.recommendations.filter(([at]) => t - at < hpaDefaults.downStabilizationSeconds);
  h.recommendations.push([t, rec]);
  let next = rec;
  if (next < h.desired) next = Math.min(h.desired, Math.max(...h.recommendations.map(([, r]) => r)));
  const upLimit = Math.max(h.desired + 4, h.desired * 2);
  next = Math.min(next, upLimit);
  h.desired = Math.min(h.maxReplicas, Math.max(h.minReplicas, next));
}
