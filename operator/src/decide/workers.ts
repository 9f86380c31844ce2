import type { BehaviorSpec, WorkerSpec } from '../crd/index.ts';
import { change, type PartResult } from './api.ts';
import { clamp, field, intervalPassed, secondsSince } from './pacing.ts';
import type { Memory, Observations, QueueObservation } from './types.ts';

/**
 * Replicas a queue needs (Little's law): enough throughput to keep up with arrivals and drain the
 * backlog within the time its oldest job has left of `maxWaitSeconds` (never less than a quarter of
 * it, so a backlog that is already late asks for much more, not for infinity). `undefined` when the
 * throughput of a replica is unknown.
 */
export function replicasNeeded(w: WorkerSpec, q: QueueObservation, perReplica: number | undefined): number | undefined {
  const horizon = clamp(w.maxWaitSeconds - q.oldestWaitSeconds, w.maxWaitSeconds / 4, w.maxWaitSeconds);
  const rate = (q.arrivalPerSecond ?? 0) + q.backlog / horizon;
  if (rate === 0) return 0;
  if (!perReplica) return undefined;
  return Math.ceil(rate / perReplica - 1e-9);
}

/**
 * Learns the throughput of one replica from what the queue shows. Only a busy queue (backlog left)
 * measures capacity; an idle one only proves a lower bound, so it can raise the estimate, never lower it.
 */
export function learnPerReplica(q: QueueObservation, workers: number, known: number | undefined): number | undefined {
  if (q.completedPerSecond === undefined || workers <= 0 || q.completedPerSecond <= 0) return known;
  const seen = q.completedPerSecond / workers;
  if (q.backlog > 0) return known === undefined ? seen : 0.5 * known + 0.5 * seen;
  return Math.max(known ?? 0, seen);
}

/**
 * The worker floor of one queue: up at once to what Little's law asks for; down only after fewer
 * replicas would have done for `scaleDownStabilizationSeconds`, and then by at most a quarter per
 * `floorDownIntervalSeconds`. A queue that cannot be read holds everything.
 */
export function decideWorker(
  w: WorkerSpec,
  b: BehaviorSpec,
  obs: Observations,
  memory: Memory,
  now: number,
): PartResult {
  const q = obs.queues[w.queue];
  const hpa = obs.hpas[w.hpa];
  const key = field.minReplicas(w.hpa);
  if (!hpa) return { actions: [], holds: [`hpa/${w.hpa}: not readable, nothing to steer`] };
  if (!q)
    return { actions: [], holds: [`queue ${w.queue}: unknown (missing), holding the floor at ${hpa.minReplicas}`] };
  memory.queues[w.queue] ??= {};
  const mem = memory.queues[w.queue] as Memory['queues'][string];
  const floor = hpa.minReplicas;
  const workers = q.workers ?? hpa.currentReplicas ?? floor;
  mem.perReplica = learnPerReplica(q, workers, mem.perReplica);
  const perReplica = mem.perReplica ?? w.jobsPerSecondPerReplica;
  const needed = replicasNeeded(w, q, perReplica);
  // Unknown capacity with work waiting: double, like the HPA's +100% step, until a replica is measured.
  const raw = needed ?? (q.backlog > 0 ? Math.max(floor + 1, floor * 2) : floor);
  const desired = clamp(raw, w.replicas.min, Math.min(w.replicas.max, hpa.maxReplicas));
  const why = `backlog ${q.backlog}, oldest ${q.oldestWaitSeconds.toFixed(1)} s, arrival ${fmt(q.arrivalPerSecond)}/s, ${
    perReplica ? `${perReplica.toFixed(2)} jobs/s per replica` : 'replica throughput unknown'
  } -> ${desired} replicas for maxWait ${w.maxWaitSeconds} s`;
  if (desired > floor) {
    mem.belowSince = undefined;
    if (!intervalPassed(memory, key, b.floorUpIntervalSeconds, now)) return { actions: [], holds: [`${key}: paced`] };
    return change({ kind: 'minReplicas', hpa: w.hpa, target: key, from: floor, to: desired, reason: why }, memory, now);
  }
  if (desired === floor) {
    mem.belowSince = undefined;
    return { actions: [], holds: [] };
  }
  mem.belowSince ??= now;
  const calm = secondsSince(mem.belowSince, now);
  if (calm < b.scaleDownStabilizationSeconds) {
    return { actions: [], holds: [`${key}: ${desired} would do for ${calm.toFixed(0)} s, stabilizing`] };
  }
  if (!intervalPassed(memory, key, b.floorDownIntervalSeconds, now)) return { actions: [], holds: [`${key}: paced`] };
  const to = Math.max(desired, floor - Math.max(1, Math.floor(floor / 4)));
  return change({ kind: 'minReplicas', hpa: w.hpa, target: key, from: floor, to, reason: why }, memory, now);
}

const fmt = (v: number | undefined) => (v === undefined ? '?' : v.toFixed(2));
