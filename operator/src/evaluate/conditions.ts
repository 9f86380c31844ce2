import type { Condition } from '../crd/index.ts';

/**
 * Sets one condition the way Kubernetes controllers do: `lastTransitionTime` moves only when the
 * status changes, so "since when" stays readable. Returns whether the status changed (an Event then).
 */
export function setCondition(
  list: Condition[],
  next: Omit<Condition, 'lastTransitionTime'>,
  now: Date,
): { list: Condition[]; changed: boolean } {
  const prev = list.find((c) => c.type === next.type);
  const changed = prev?.status !== next.status;
  const entry: Condition = {
    ...next,
    message: next.message.slice(0, 1000),
    lastTransitionTime: changed || !prev ? now.toISOString() : prev.lastTransitionTime,
  };
  return {
    list: [...list.filter((c) => c.type !== next.type), entry].sort((a, b) => a.type.localeCompare(b.type)),
    changed,
  };
}
