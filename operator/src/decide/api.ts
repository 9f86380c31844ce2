import type { ApiSpec, BehaviorSpec } from '../crd/index.ts';
import { clamp, field, intervalPassed, secondsSince } from './pacing.ts';
import type { Action, Memory, Observations } from './types.ts';

/** What one part of the decision returns; `memory` is the caller's private copy, updated in place. */
export interface PartResult {
  actions: Action[];
  holds: string[];
}

/**
 * The API cascade. The HPA keeps CPU near its target; this moves the target (then the floor) to hold
 * p95 under the SLO. Down fast: proportionally to the overshoot, once per HPA sync (a faster pace would
 * only pile up changes the HPA has not acted on). Up slowly: only after p95 stayed well under the SLO
 * for `raiseAfterSeconds`, the floor first (it is the emergency lever), then the target in small steps.
 */
export function decideApi(api: ApiSpec, b: BehaviorSpec, obs: Observations, memory: Memory, now: number): PartResult {
  const hpa = obs.hpas[api.hpa];
  const p95 = obs.p95LatencyMs;
  if (!hpa) return hold(`hpa/${api.hpa}: not readable, nothing to steer`);
  if (hpa.cpuTarget === undefined) return hold(`hpa/${api.hpa}: has no CPU utilization target`);
  if (p95 === undefined) {
    // No data is not good news: forget any calm streak so loosening starts over once data is back.
    memory.apiCalmSince = undefined;
    return hold('api: p95 latency unknown (missing or no traffic), holding the CPU target and floor');
  }
  const target = hpa.cpuTarget;
  const floor = hpa.minReplicas;
  const slo = api.p95LatencyMs;
  const cpuKey = field.cpuTarget(api.hpa);
  const floorKey = field.minReplicas(api.hpa);

  if (p95 > slo) {
    memory.apiCalmSince = undefined;
    const why = `p95 ${p95.toFixed(1)} ms > SLO ${slo} ms`;
    if (target > api.cpuTarget.min) {
      if (!intervalPassed(memory, cpuKey, b.cpuTargetDownIntervalSeconds, now)) {
        return hold(`${cpuKey}: ${why}, waiting for the HPA to act on the last change`);
      }
      const to = clamp(Math.floor((target * slo) / p95), api.cpuTarget.min, target - 1);
      // Only a target the HPA has had time to act on is proven too loose. The cuts that follow the first
      // one within an overload come before the new pods are ready: letting each of them lower the ceiling
      // ratcheted it to the minimum for an hour after a flash sale (docs/capacity.md).
      const setAt = memory.changedAt[cpuKey];
      const ceilingActive = memory.apiCeiling !== undefined && memory.apiCeiling.until > now;
      if (!ceilingActive || setAt === undefined || now - setAt >= provenAfterMs) {
        memory.apiCeiling = {
          cpuTarget: Math.max(api.cpuTarget.min, target - b.cpuTargetUpStep),
          until: now + ceilingMemoryMs,
        };
      }
      return change({ kind: 'cpuTarget', hpa: api.hpa, target: cpuKey, from: target, to, reason: why }, memory, now);
    }
    const ceiling = Math.min(api.minReplicas.max, hpa.maxReplicas);
    if (floor >= ceiling) return hold(`${floorKey}: ${why}, but the floor is at its bound`);
    if (!intervalPassed(memory, floorKey, b.floorUpIntervalSeconds, now)) return hold(`${floorKey}: paced`);
    const to = clamp(Math.max(floor + 1, Math.ceil((floor * p95) / slo)), api.minReplicas.min, ceiling);
    const reason = `${why} with the CPU target at its minimum ${api.cpuTarget.min}%`;
    return change({ kind: 'minReplicas', hpa: api.hpa, target: floorKey, from: floor, to, reason }, memory, now);
  }

  if (floor < api.minReplicas.min) {
    const reason = `floor ${floor} under the policy's minimum ${api.minReplicas.min}`;
    return change(
      { kind: 'minReplicas', hpa: api.hpa, target: floorKey, from: floor, to: api.minReplicas.min, reason },
      memory,
      now,
    );
  }
  if (p95 >= slo * b.wellUnderRatio) {
    memory.apiCalmSince = undefined;
    return hold(`api: p95 ${p95.toFixed(1)} ms within the SLO band, holding`);
  }
  memory.apiCalmSince ??= now;
  const calm = secondsSince(memory.apiCalmSince, now);
  if (calm < b.raiseAfterSeconds)
    return hold(`api: p95 well under the SLO for ${calm.toFixed(0)} s, not yet ${b.raiseAfterSeconds} s`);
  const why = `p95 ${p95.toFixed(1)} ms under ${Math.round(b.wellUnderRatio * 100)}% of the SLO for ${calm.toFixed(0)} s`;
  if (floor > api.minReplicas.min) {
    if (!intervalPassed(memory, floorKey, b.floorDownIntervalSeconds, now)) return hold(`${floorKey}: paced`);
    const to = Math.max(api.minReplicas.min, floor - Math.max(1, Math.floor(floor * 0.2)));
    return change({ kind: 'minReplicas', hpa: api.hpa, target: floorKey, from: floor, to, reason: why }, memory, now);
  }
  if (target < api.cpuTarget.max) {
    const room = roomToLoosen(p95, hpa.cpuUtilization, target, target + b.cpuTargetUpStep, slo);
    if (room !== true) return hold(`${cpuKey}: ${room}`);
    if (!intervalPassed(memory, cpuKey, b.cpuTargetUpIntervalSeconds, now)) return hold(`${cpuKey}: paced`);
    const ceiling =
      memory.apiCeiling && memory.apiCeiling.until > now ? memory.apiCeiling.cpuTarget : api.cpuTarget.max;
    const to = Math.min(ceiling, api.cpuTarget.max, Math.max(api.cpuTarget.min, target + b.cpuTargetUpStep));
    if (to <= target) return hold(`${cpuKey}: ${target}% is as loose as has held the SLO lately (violated above it)`);
    return change({ kind: 'cpuTarget', hpa: api.hpa, target: cpuKey, from: target, to, reason: why }, memory, now);
  }
  return hold('api: at its loosest settings');
}

/**
 * Whether a looser target would still hold the SLO, by queueing theory: response time grows like
 * 1 / (1 - utilization), and the HPA lets utilization run 10% over its target. Pessimistic on purpose:
 * all of today's p95 is taken as queueing (none as fixed cost), so the prediction errs high. Low
 * latency measured far under the target (the floor sets the replicas, at night say) proves nothing
 * about the target: then no loosening, or the next ramp would meet a loose target.
 */
export function roomToLoosen(
  p95: number,
  cpu: number | undefined,
  target: number,
  next: number,
  slo: number,
): true | string {
  if (cpu === undefined || cpu < target / 2)
    return `CPU ${cpu ?? '?'}% too far under the target ${target}% to tell whether ${next}% would hold`;
  const now = Math.min(0.99, cpu / 100);
  const then = Math.min(0.99, (next / 100) * 1.1);
  const predicted = (p95 * (1 - now)) / (1 - then);
  return predicted <= slo
    ? true
    : `at ${next}% p95 could reach ${predicted.toFixed(1)} ms > SLO ${slo} ms, not loosening`;
}

/** How long a violated CPU target stays a ceiling for loosening: an hour, about one traffic phase. */
const ceilingMemoryMs = 3_600_000;
/** How long a target must have been in force to be proven too loose: an HPA sync (15 s) and a pod start. */
const provenAfterMs = 60_000;

function hold(why: string): PartResult {
  return { actions: [], holds: [why] };
}

/** Records the change time (so the minimum interval counts from now) and returns the action. */
export function change(action: Action, memory: Memory, now: number): PartResult {
  if (action.to === action.from) return hold(`${action.target}: already ${action.to}`);
  memory.changedAt[action.target] = now;
  return { actions: [action], holds: [] };
}
