import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Condition, Decision as DecisionLine } from '../crd/index.ts';
import { memory, observations, policy, T0 } from '../decide/fixtures.test-support.ts';
import type { Action, Decision } from '../decide/index.ts';
import type { Plan, Problem } from './readings.ts';
import { actionEvent, type Outcome, type PolicyEvent, report } from './report.ts';
import { initialState, maxDecisions, type RunnerState } from './state.ts';

const cut: Action = {
  kind: 'cpuTarget',
  hpa: 'api',
  target: 'hpa/api.cpuTarget',
  from: 70,
  to: 56,
  reason: 'p95 80 ms > SLO 50 ms',
};
const loosen: Action = { ...cut, from: 56, to: 61, reason: 'calm' };
const floorUp: Action = {
  kind: 'minReplicas',
  hpa: 'worker',
  target: 'hpa/worker.minReplicas',
  from: 1,
  to: 4,
  reason: 'backlog 300',
};
const floorDown: Action = { ...floorUp, from: 4, to: 3, reason: 'fewer would do' };
const ttl: Action = {
  kind: 'cacheTtl',
  cls: 'product',
  target: 'cache/product.ttl',
  from: 600,
  to: 1200,
  reason: 'hit rate 0.8',
};

// [what, outcome, expected Event]
const events: Array<[string, Outcome, PolicyEvent]> = [
  // a lowered target names the HPA, reason by direction
  [
    'target lowered',
    { action: cut, mode: 'applied' },
    {
      reason: 'CpuTargetLowered',
      type: 'Normal',
      hpa: 'api',
      note: 'hpa/api.cpuTarget 70 -> 56: p95 80 ms > SLO 50 ms',
    },
  ],
  // a raised target
  [
    'target raised',
    { action: loosen, mode: 'applied' },
    { reason: 'CpuTargetRaised', type: 'Normal', hpa: 'api', note: 'hpa/api.cpuTarget 56 -> 61: calm' },
  ],
  // a raised floor
  [
    'floor raised',
    { action: floorUp, mode: 'applied' },
    { reason: 'MinReplicasRaised', type: 'Normal', hpa: 'worker', note: 'hpa/worker.minReplicas 1 -> 4: backlog 300' },
  ],
  // a lowered floor
  [
    'floor lowered',
    { action: floorDown, mode: 'applied' },
    {
      reason: 'MinReplicasLowered',
      type: 'Normal',
      hpa: 'worker',
      note: 'hpa/worker.minReplicas 4 -> 3: fewer would do',
    },
  ],
  // a TTL is about the policy only: no HPA related
  [
    'ttl',
    { action: ttl, mode: 'applied' },
    { reason: 'CacheTtlChanged', type: 'Normal', note: 'cache/product.ttl 600 -> 1200: hit rate 0.8' },
  ],
  // dry run: reported under its own reason, marked in the note
  [
    'dry run',
    { action: cut, mode: 'dryRun' },
    {
      reason: 'DryRunDecision',
      type: 'Normal',
      hpa: 'api',
      note: 'hpa/api.cpuTarget 70 -> 56 (dryRun): p95 80 ms > SLO 50 ms',
    },
  ],
  // refused by the apiserver: a Warning
  [
    'refused',
    { action: cut, mode: 'refused', error: 'conflict' },
    {
      reason: 'ApplyFailed',
      type: 'Warning',
      hpa: 'api',
      note: 'hpa/api.cpuTarget 70 -> 56 (refused): p95 80 ms > SLO 50 ms',
    },
  ],
];
for (const [what, outcome, want] of events) {
  test(`actionEvent: ${what}`, () => assert.deepEqual(actionEvent(outcome), want));
}

const decision = (over: Partial<Decision> = {}): Decision => ({
  actions: [],
  memory: memory({ changedAt: { 'hpa/api.cpuTarget': T0 } }),
  holds: [],
  metricsAvailable: true,
  missing: [],
  ...over,
});
const planOf = (over: Partial<Plan> = {}): Plan => ({
  obs: observations(),
  problems: [],
  decision: decision(),
  dry: false,
  ...over,
});
const keda: Problem = { reason: 'KedaManagedHpa', message: 'HPA api is managed by KEDA', hpa: 'api' };
const cond = (type: string, status: 'True' | 'False', reason: string, message = 'm'): Condition => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: new Date(T0 - 60_000).toISOString(),
});
/** A runner that evaluated before with everything fine. */
const steady = (): RunnerState => ({
  ...initialState(),
  conditions: [
    cond('Applied', 'True', 'UpToDate'),
    cond('MetricsAvailable', 'True', 'AllFresh'),
    cond('Ready', 'True', 'Steering'),
  ],
});
const missingMetrics = decision({ metricsAvailable: false, missing: ['scrape: none of 1 api target(s) answered'] });

type Row = [string, RunnerState, Plan, Outcome[], string[], string[]];
// [what, state before, plan, outcomes, conditions "Type=Status/Reason", Events "Type Reason"]
const rows: Row[] = [
  // the first evaluation of a runner: every condition set, metrics "recovered" once
  [
    'first',
    initialState(),
    planOf(),
    [],
    ['Applied=True/UpToDate', 'MetricsAvailable=True/AllFresh', 'Ready=True/Steering'],
    ['Normal MetricsRecovered'],
  ],
  // nothing changed since the last evaluation: no Event at all
  [
    'steady',
    steady(),
    planOf(),
    [],
    ['Applied=True/UpToDate', 'MetricsAvailable=True/AllFresh', 'Ready=True/Steering'],
    [],
  ],
  // a metric went missing: values held, one Warning
  [
    'metrics lost',
    steady(),
    planOf({ decision: missingMetrics }),
    [],
    ['Applied=True/UpToDate', 'MetricsAvailable=False/MetricsUnavailable', 'Ready=True/Steering'],
    ['Warning MetricsUnavailable'],
  ],
  // still missing: no second Warning
  [
    'metrics still lost',
    {
      ...steady(),
      conditions: [
        cond('Applied', 'True', 'UpToDate'),
        cond('MetricsAvailable', 'False', 'MetricsUnavailable'),
        cond('Ready', 'True', 'Steering'),
      ],
    },
    planOf({ decision: missingMetrics }),
    [],
    ['Applied=True/UpToDate', 'MetricsAvailable=False/MetricsUnavailable', 'Ready=True/Steering'],
    [],
  ],
  // metrics are back
  [
    'metrics back',
    { ...steady(), conditions: [cond('MetricsAvailable', 'False', 'MetricsUnavailable')] },
    planOf(),
    [],
    ['Applied=True/UpToDate', 'MetricsAvailable=True/AllFresh', 'Ready=True/Steering'],
    ['Normal MetricsRecovered'],
  ],
  // a KEDA-managed HPA: not Ready, not Applied, a Warning about that HPA
  [
    'keda',
    steady(),
    planOf({ problems: [keda] }),
    [],
    ['Applied=False/KedaManagedHpa', 'MetricsAvailable=True/AllFresh', 'Ready=False/KedaManagedHpa'],
    ['Warning KedaManagedHpa'],
  ],
  // the same problem next time: Ready did not change, so no Warning again
  [
    'keda again',
    {
      ...steady(),
      conditions: [cond('Ready', 'False', 'KedaManagedHpa'), cond('MetricsAvailable', 'True', 'AllFresh')],
    },
    planOf({ problems: [keda] }),
    [],
    ['Applied=False/KedaManagedHpa', 'MetricsAvailable=True/AllFresh', 'Ready=False/KedaManagedHpa'],
    [],
  ],
  // a change the apiserver refused: Applied=False, Ready stays (the Event is the runner's, per change)
  [
    'refused',
    steady(),
    planOf({ decision: decision({ actions: [cut] }) }),
    [{ action: cut, mode: 'refused', error: 'conflict' }],
    ['Applied=False/ApplyFailed', 'MetricsAvailable=True/AllFresh', 'Ready=True/Steering'],
    [],
  ],
  // a dry run says so in Applied
  [
    'dry run',
    steady(),
    planOf({ dry: true, decision: decision({ actions: [cut] }) }),
    [{ action: cut, mode: 'dryRun' }],
    ['Applied=True/DryRun', 'MetricsAvailable=True/AllFresh', 'Ready=True/Steering'],
    [],
  ],
];

for (const [what, state, plan, outcomes, conditions, evs] of rows) {
  test(`report: ${what}`, () => {
    const r = report({ spec: policy(), plan, outcomes, state, now: T0, generation: 7, identity: 'op' });
    assert.deepEqual(
      r.state.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`),
      conditions,
    );
    assert.deepEqual(
      r.events.map((e) => `${e.type} ${e.reason}`),
      evs,
    );
    assert.ok(r.state.conditions.every((c) => c.observedGeneration === 7));
    assert.deepEqual(r.status.conditions, r.state.conditions);
    assert.equal(r.state.memory, plan.decision.memory, 'the decision memory is carried');
  });
}

test('report: a condition that kept its status keeps its transition time; one that turned gets now', () => {
  const r = report({
    spec: policy(),
    plan: planOf({ problems: [keda] }),
    outcomes: [],
    state: steady(),
    now: T0,
    identity: 'op',
  });
  const time = (t: string) => r.state.conditions.find((c) => c.type === t)?.lastTransitionTime;
  assert.equal(time('MetricsAvailable'), new Date(T0 - 60_000).toISOString());
  assert.equal(time('Ready'), new Date(T0).toISOString());
});

test('report: messages say what was missing, refused, or in the way', () => {
  const r = report({
    spec: policy(),
    plan: planOf({ problems: [keda], decision: decision({ ...missingMetrics, actions: [ttl] }) }),
    outcomes: [{ action: ttl, mode: 'refused', error: 'READONLY' }],
    state: initialState(),
    now: T0,
    identity: 'op',
  });
  const message = (t: string) => r.state.conditions.find((c) => c.type === t)?.message;
  assert.equal(message('MetricsAvailable'), 'holding values: scrape: none of 1 api target(s) answered');
  assert.equal(message('Applied'), 'cache/product.ttl: READONLY; HPA api is managed by KEDA');
  assert.equal(message('Ready'), 'HPA api is managed by KEDA');
  assert.equal(r.events.find((e) => e.reason === 'KedaManagedHpa')?.hpa, 'api');
});

test('report: decision lines for every outcome, newest last, at most 20', () => {
  const old: DecisionLine[] = Array.from({ length: maxDecisions }, (_, i) => ({
    time: new Date(T0 - 1000 * (maxDecisions - i)).toISOString(),
    target: 'cache/product.ttl',
    from: i,
    to: i + 1,
    reason: 'old',
    mode: 'applied',
  }));
  const r = report({
    spec: policy(),
    plan: planOf({ decision: decision({ actions: [cut, floorUp] }) }),
    outcomes: [
      { action: cut, mode: 'applied' },
      { action: floorUp, mode: 'refused', error: 'x' },
    ],
    state: { ...steady(), decisions: old },
    now: T0,
    identity: 'op',
  });
  assert.equal(r.state.decisions.length, maxDecisions);
  assert.deepEqual(r.state.decisions.at(-2), {
    time: new Date(T0).toISOString(),
    target: cut.target,
    from: 70,
    to: 56,
    reason: cut.reason,
    mode: 'applied',
  });
  assert.equal(r.state.decisions.at(-1)?.mode, 'refused');
  assert.equal(r.state.decisions[0]?.from, 2, 'the two oldest dropped');
  assert.deepEqual(r.status.recentDecisions, r.state.decisions);
});

test('report: a dry run remembers its would-be values; applied and refused changes do not', () => {
  const r = report({
    spec: policy(),
    plan: planOf({ dry: true, decision: decision({ actions: [cut, floorUp] }) }),
    outcomes: [{ action: cut, mode: 'dryRun' }],
    state: { ...steady(), virtual: { 'hpa/worker.minReplicas': 3 } },
    now: T0,
    identity: 'op',
  });
  assert.deepEqual(r.state.virtual, { 'hpa/worker.minReplicas': 3, 'hpa/api.cpuTarget': 56 });
  const applied = report({
    spec: policy(),
    plan: planOf({ decision: decision({ actions: [cut] }) }),
    outcomes: [{ action: cut, mode: 'applied' }],
    state: steady(),
    now: T0,
    identity: 'op',
  });
  assert.deepEqual(applied.state.virtual, {});
});
