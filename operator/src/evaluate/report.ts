import type { Condition, Decision as DecisionLine, ScalingPolicySpec, ScalingPolicyStatus } from '../crd/index.ts';
import type { Action } from '../decide/index.ts';
import { setCondition } from './conditions.ts';
import type { Plan } from './readings.ts';
import { ConditionType, EventReason } from './reasons.ts';
import { maxDecisions, type RunnerState } from './state.ts';
import { buildStatus } from './status.ts';

/** How one decided change went: written, only reported (dry run), or refused by the apiserver/Redis. */
export interface Outcome {
  action: Action;
  mode: DecisionLine['mode'];
  /** Why it was refused (mode `refused`). */
  error?: string;
}

/** An Event about the policy, or with `hpa` about that HPA too. */
export interface PolicyEvent {
  reason: EventReason;
  note: string;
  type: 'Normal' | 'Warning';
  hpa?: string;
}

/** Where one evaluation stands once its changes are applied. */
export interface ReportInput {
  spec: ScalingPolicySpec;
  plan: Plan;
  /** One per action of the plan's decision, in order. */
  outcomes: Outcome[];
  state: RunnerState;
  now: number;
  /** The policy's metadata.generation (absent in standalone mode). */
  generation?: number;
  /** This process, written as the status' `leader`. */
  identity: string;
}

/** What an evaluation reports: the next state, the status to write and the Events to record, in order. */
export interface Report {
  state: RunnerState;
  status: ScalingPolicyStatus;
  events: PolicyEvent[];
}

/** The Event of one change: its direction as the reason, or that it was only reported or refused. */
export function actionEvent({ action: a, mode }: Outcome): PolicyEvent {
  const note = `${a.target} ${a.from} -> ${a.to}${mode === 'applied' ? '' : ` (${mode})`}: ${a.reason}`;
  const reason =
    mode === 'refused' ? EventReason.ApplyFailed : mode === 'dryRun' ? EventReason.DryRunDecision : reasonFor(a);
  return {
    reason,
    note,
    type: mode === 'refused' ? 'Warning' : 'Normal',
    ...(a.kind === 'cacheTtl' ? {} : { hpa: a.hpa }),
  };
}

/** The reason of an applied change, by field and direction. */
export function reasonFor(a: Action): EventReason {
  if (a.kind === 'cacheTtl') return EventReason.CacheTtlChanged;
  if (a.kind === 'cpuTarget') return a.to < a.from ? EventReason.CpuTargetLowered : EventReason.CpuTargetRaised;
  return a.to > a.from ? EventReason.FloorRaised : EventReason.FloorLowered;
}

/**
 * Conditions, Events, decision lines and status of one evaluation. Events: a MetricsAvailable
 * transition (Warning when metrics went missing, Normal when they came back), then — only when Ready
 * changed, so a lasting problem is not repeated every interval — a Warning per HPA that cannot be
 * steered. The Events of the changes themselves ({@link actionEvent}) are the runner's, right after
 * each write.
 */
export function report(i: ReportInput): Report {
  const { plan: p, outcomes, now } = i;
  const d = p.decision;
  const failures = outcomes.filter((o) => o.mode === 'refused').map((o) => `${o.action.target}: ${o.error}`);
  const at = new Date(now);
  const events: PolicyEvent[] = [];
  let conditions = i.state.conditions;
  const set = (c: Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>) => {
    const r = setCondition(conditions, { ...c, observedGeneration: i.generation }, at);
    conditions = r.list;
    return r.changed;
  };

  const metrics = {
    type: ConditionType.MetricsAvailable,
    status: d.metricsAvailable ? 'True' : 'False',
    reason: d.metricsAvailable ? 'AllFresh' : EventReason.MetricsUnavailable,
    message: d.metricsAvailable ? 'every metric the policy needs was read' : `holding values: ${d.missing.join('; ')}`,
  } as const;
  if (set(metrics))
    events.push(
      d.metricsAvailable
        ? { reason: EventReason.MetricsRecovered, note: metrics.message, type: 'Normal' }
        : { reason: EventReason.MetricsUnavailable, note: metrics.message, type: 'Warning' },
    );
  const readyChanged = set({
    type: ConditionType.Ready,
    status: p.problems.length ? 'False' : 'True',
    reason: p.problems[0]?.reason ?? 'Steering',
    message: p.problems.map((x) => x.message).join('; ') || 'every HPA the policy names can be steered',
  });
  set({
    type: ConditionType.Applied,
    status: failures.length || p.problems.length ? 'False' : 'True',
    reason: failures.length ? EventReason.ApplyFailed : (p.problems[0]?.reason ?? (p.dry ? 'DryRun' : 'UpToDate')),
    message:
      [...failures, ...p.problems.map((x) => x.message)].join('; ') ||
      (p.dry ? 'dry run: changes reported, not applied' : 'all decided changes applied'),
  });
  if (readyChanged)
    for (const x of p.problems) events.push({ reason: x.reason, note: x.message, type: 'Warning', hpa: x.hpa });

  const time = at.toISOString();
  const decisions = [
    ...i.state.decisions,
    ...outcomes.map(({ action: a, mode }) => ({
      time,
      target: a.target,
      from: a.from,
      to: a.to,
      reason: a.reason,
      mode,
    })),
  ].slice(-maxDecisions);
  const virtual = { ...i.state.virtual };
  for (const o of outcomes) if (o.mode === 'dryRun') virtual[o.action.target] = o.action.to;

  const state: RunnerState = { memory: d.memory, decisions, conditions, virtual };
  const status = buildStatus({
    spec: i.spec,
    obs: p.obs,
    actions: d.actions,
    missing: d.missing,
    state,
    now,
    generation: i.generation,
    identity: i.identity,
  });
  return { state, status, events };
}
