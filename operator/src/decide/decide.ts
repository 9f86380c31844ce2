import type { ScalingPolicySpec } from '../crd/index.ts';
import { decideApi } from './api.ts';
import { decideCache } from './cache.ts';
import type { Decision, Memory, Observations } from './types.ts';
import { decideWorker } from './workers.ts';

/**
 * The whole decision: (spec, observations, memory, now) -> (actions, memory). Pure: no I/O, no clock,
 * no randomness, and the memory passed in is never mutated. The controller, standalone mode and the
 * simulator all call this one function.
 *
 * Observations older than `metrics.staleAfterSeconds` count as missing as a whole: with no fresh data
 * every value is held, so nothing is ever scaled down on no data.
 */
export function decide(spec: ScalingPolicySpec, observations: Observations, memory: Memory, now: number): Decision {
  const next = structuredClone(memory);
  const b = spec.behavior ?? defaultBehavior;
  const ageSeconds = (now - observations.at) / 1000;
  if (ageSeconds > spec.metrics.staleAfterSeconds) {
    const why = `observations are ${ageSeconds.toFixed(0)} s old (stale after ${spec.metrics.staleAfterSeconds} s)`;
    return {
      actions: [],
      memory: next,
      holds: [`all: ${why}, holding every value`],
      metricsAvailable: false,
      missing: [why],
    };
  }
  const obs = observations;
  const missing = [...obs.missing];
  const actions: Decision['actions'] = [];
  const holds: string[] = [];
  const add = (r: { actions: Decision['actions']; holds: string[] }) => {
    actions.push(...r.actions);
    holds.push(...r.holds);
  };
  if (spec.api) add(decideApi(spec.api, b, obs, next, now));
  for (const w of spec.workers ?? []) {
    if (!(w.queue in obs.queues) || obs.queues[w.queue] === undefined) missing.push(`queue ${w.queue}: not read`);
    add(decideWorker(w, b, obs, next, now));
  }
  if (spec.cache) add(decideCache(spec.cache, spec.api, b, obs, next, now));
  const unique = [...new Set(missing)];
  return { actions, memory: next, holds, metricsAvailable: unique.length === 0, missing: unique };
}

/** The behavior defaults of the schema, for specs built in code (tests, simulator) without one. */
export const defaultBehavior: NonNullable<ScalingPolicySpec['behavior']> = {
  cpuTargetDownIntervalSeconds: 15,
  cpuTargetUpIntervalSeconds: 60,
  cpuTargetUpStep: 5,
  raiseAfterSeconds: 60,
  wellUnderRatio: 0.7,
  floorUpIntervalSeconds: 2,
  floorDownIntervalSeconds: 30,
  scaleDownStabilizationSeconds: 60,
  ttlIntervalSeconds: 30,
};
