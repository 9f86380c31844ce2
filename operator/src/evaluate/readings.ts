import type { ScalingPolicySpec } from '../crd/index.ts';
import { type Decision, decide, type HpaState, type Observations } from '../decide/index.ts';
import { HpaNotFoundError, KedaManagedHpaError, NoCpuMetricError } from '../errors.ts';
import type { MetricObservations } from '../sources/index.ts';
import { EventReason } from './reasons.ts';
import type { RunnerState } from './state.ts';

/** What a runner read for one evaluation, as read: a read that failed keeps its error. */
export interface Readings {
  /** From the policy's metric sources (never throws: what failed is in `missing`). */
  metrics: MetricObservations;
  /** Every HPA the policy names ({@link hpaNames}): its steerable fields, or why it cannot be steered. */
  hpas: Record<string, HpaState | Error>;
  /** The TTLs in force, or why they could not be read; absent when the policy steers no cache. */
  ttls?: Record<string, number> | Error;
}

/** An HPA the policy names but cannot steer now: Ready=False and a Warning. */
export interface Problem {
  reason: EventReason;
  message: string;
  hpa: string;
}

/** The inputs of the decision, the decision, and what stood in its way. */
export interface Plan {
  obs: Observations;
  problems: Problem[];
  decision: Decision;
  /** The policy's `dryRun` or the process-wide one: report changes, apply none. */
  dry: boolean;
}

/** The HPAs a policy steers, each once. */
export const hpaNames = (spec: ScalingPolicySpec): string[] => [
  ...new Set([...(spec.api ? [spec.api.hpa] : []), ...(spec.workers ?? []).map((w) => w.hpa)]),
];

/** Turns the readings into observations (dry-run values laid over the HPAs) and decides. */
export function plan(
  spec: ScalingPolicySpec,
  readings: Readings,
  state: RunnerState,
  now: number,
  dryRun: boolean,
): Plan {
  const problems: Problem[] = [];
  const hpas: Record<string, HpaState | undefined> = {};
  for (const [name, read] of Object.entries(readings.hpas)) {
    if (read instanceof Error) problems.push({ reason: reasonOf(read), message: read.message, hpa: name });
    else hpas[name] = overlay(state.virtual, name, read);
  }
  const obs: Observations = { ...readings.metrics, missing: [...readings.metrics.missing], hpas };
  if (readings.ttls instanceof Error)
    obs.missing.push(`cache Redis: current TTLs unreadable: ${readings.ttls.message}`);
  else if (readings.ttls) obs.cacheTtls = readings.ttls;
  return { obs, problems, decision: decide(spec, obs, state.memory, now), dry: spec.dryRun || dryRun };
}

/** Control-flow errors of reading an HPA, translated to their Event reason in this one place. */
export function reasonOf(e: unknown): EventReason {
  if (e instanceof KedaManagedHpaError) return EventReason.KedaManagedHpa;
  if (e instanceof HpaNotFoundError) return EventReason.HpaNotFound;
  if (e instanceof NoCpuMetricError) return EventReason.NoCpuMetric;
  return EventReason.ApplyFailed;
}

/** An HPA as a dry run left it: the values it would have set in place of those the HPA has. */
export function overlay(virtual: Record<string, number>, name: string, hpa: HpaState): HpaState {
  const cpu = virtual[`hpa/${name}.cpuTarget`];
  const floor = virtual[`hpa/${name}.minReplicas`];
  return {
    ...hpa,
    ...(cpu !== undefined ? { cpuTarget: cpu } : {}),
    ...(floor !== undefined ? { minReplicas: floor } : {}),
  };
}
