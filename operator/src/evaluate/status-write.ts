import type { ScalingPolicyStatus } from '../crd/index.ts';

/**
 * How often the status is written when only the observed figures moved (p95, queue depths, hit
 * rates, `lastEvaluationTime`): often enough that `kubectl get sp` shows recent figures, rare enough
 * that a steady policy costs the apiserver one write a minute instead of one per evaluation.
 */
export const statusHeartbeatMs = 60_000;

/** Why a status is written, or `unchanged` when it is not. */
export type StatusWrite = 'new' | 'changed' | 'heartbeat' | 'unchanged';

/**
 * Whether to write `next` over `known`, the status as the cluster last showed it (the watch, or this
 * process's own last write). Everything but the observation snapshot is written at once: conditions,
 * applied values, recent decisions, observedGeneration, leader. The snapshot alone waits for the
 * heartbeat, counted from the `lastEvaluationTime` of the status in the cluster.
 */
export function statusWrite(
  known: ScalingPolicyStatus | undefined,
  next: ScalingPolicyStatus,
  now: number,
  heartbeatMs = statusHeartbeatMs,
): StatusWrite {
  if (!known?.lastEvaluationTime) return 'new';
  if (canonical(material(known)) !== canonical(material(next))) return 'changed';
  // NaN (an unreadable time) is not "under": a status nobody can date is refreshed.
  return now - Date.parse(known.lastEvaluationTime) < heartbeatMs ? 'unchanged' : 'heartbeat';
}

/** The parts of a status that are written as soon as they change. */
const material = (s: ScalingPolicyStatus) => ({
  observedGeneration: s.observedGeneration,
  leader: s.leader,
  // The apiserver keeps a list-map in the order written; another writer may have used another.
  conditions: [...(s.conditions ?? [])].sort((a, b) => a.type.localeCompare(b.type)),
  applied: s.applied,
  recentDecisions: s.recentDecisions ?? [],
});

/**
 * JSON with object keys sorted and undefined left out: the apiserver hands a custom resource back with
 * its keys sorted, while the status built here has them in code order and may carry undefined fields.
 */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}
