import type { Condition, Decision as DecisionLine, ScalingPolicyStatus } from '../crd/index.ts';
import { emptyMemory, type Memory } from '../decide/index.ts';

/** How many decisions the status keeps (`recentDecisions`, the schema's maxItems). */
export const maxDecisions = 20;

/**
 * What one policy's evaluations carry from one to the next. Plain data, replaced (never mutated) by
 * each evaluation's {@link report}, so a test can hand any state in and read the next one out.
 */
export interface RunnerState {
  /** The decision function's memory: pacing per field, ceilings, measured throughput. */
  memory: Memory;
  /** The status' `recentDecisions`, oldest first, at most {@link maxDecisions}. */
  decisions: DecisionLine[];
  /** The status' conditions, sorted by type. */
  conditions: Condition[];
  /** Dry-run values by target, laid over what the HPAs say, so a dry run follows its own trajectory. */
  virtual: Record<string, number>;
}

/**
 * The state a runner starts from: the conditions and decisions of the status found in the cluster, so
 * a new leader carries them on (and a condition that did not change raises no Event again).
 */
export const initialState = (previous?: ScalingPolicyStatus): RunnerState => ({
  memory: emptyMemory(),
  decisions: [...(previous?.recentDecisions ?? [])],
  conditions: [...(previous?.conditions ?? [])],
  virtual: {},
});
