import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScalingPolicyStatus } from '../crd/index.ts';
import { type StatusWrite, statusHeartbeatMs, statusWrite } from './status-write.ts';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A status as one evaluation at `at` builds it (keys in code order, an undefined field or two). */
const status = (at = T0, over: Partial<ScalingPolicyStatus> = {}): ScalingPolicyStatus => ({
  observedGeneration: 3,
  leader: 'op-a',
  lastEvaluationTime: iso(at),
  conditions: [
    {
      type: 'Applied',
      status: 'True',
      reason: 'UpToDate',
      message: 'all decided changes applied',
      lastTransitionTime: iso(T0),
      observedGeneration: 3,
    },
    {
      type: 'MetricsAvailable',
      status: 'True',
      reason: 'AllFresh',
      message: 'every metric the policy needs was read',
      lastTransitionTime: iso(T0),
      observedGeneration: 3,
    },
    {
      type: 'Ready',
      status: 'True',
      reason: 'Steering',
      message: 'every HPA the policy names can be steered',
      lastTransitionTime: iso(T0),
      observedGeneration: 3,
    },
  ],
  observed: {
    time: iso(at),
    p95LatencyMs: 31.5,
    requestsPerSecond: 12,
    dbQueriesPerSecond: undefined,
    queues: [],
    cacheHitRates: [],
    missing: [],
  },
  applied: { api: { hpa: 'api', cpuTarget: 70, minReplicas: 2 }, workers: [], cacheTtls: [] },
  recentDecisions: [
    { time: iso(T0), target: 'hpa/api.cpuTarget', from: 80, to: 70, reason: 'p95 61 ms > SLO 50 ms', mode: 'applied' },
  ],
  ...over,
});

/** The same status as the apiserver hands it back: keys sorted, undefined fields gone. */
const fromCluster = (s: ScalingPolicyStatus): ScalingPolicyStatus =>
  JSON.parse(
    JSON.stringify(s, (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v,
    ),
  );

const later = T0 + 2000;
const base = status();
const withCondition = (i: number, over: object) =>
  status(later, { conditions: base.conditions?.map((c, j) => (j === i ? { ...c, ...over } : c)) });

// [what, status known in the cluster, status just built, now, expected]
const cases: Array<[string, ScalingPolicyStatus | undefined, ScalingPolicyStatus, number, StatusWrite]> = [
  // a policy nobody reported on yet
  ['no status', undefined, status(later), later, 'new'],
  // a status without an evaluation time (written by hand, or emptied) is not ours to keep
  ['empty status', {}, status(later), later, 'new'],
  // only p95, rates and times moved, within the heartbeat: nothing to write
  ['figures only', base, status(later, { observed: { ...base.observed, p95LatencyMs: 44 } }), later, 'unchanged'],
  // the same, a moment before the heartbeat
  ['just under the heartbeat', base, status(T0 + statusHeartbeatMs - 1), T0 + statusHeartbeatMs - 1, 'unchanged'],
  // the figures are refreshed once a heartbeat
  ['heartbeat', base, status(T0 + statusHeartbeatMs), T0 + statusHeartbeatMs, 'heartbeat'],
  // the cluster's copy, keys sorted and undefined gone, is the same status
  ['as the apiserver returns it', fromCluster(base), status(later), later, 'unchanged'],
  // another writer listed the conditions in another order
  [
    'conditions reordered',
    { ...base, conditions: [...(base.conditions ?? [])].reverse() },
    status(later),
    later,
    'unchanged',
  ],
  // a condition turned
  ['condition status', base, withCondition(1, { status: 'False', reason: 'MetricsUnavailable' }), later, 'changed'],
  // a condition kept its status but says something else (another HPA missing)
  ['condition message', base, withCondition(2, { message: 'HorizontalPodAutoscaler x not found' }), later, 'changed'],
  // the operator set a new CPU target
  [
    'applied value',
    base,
    status(later, { applied: { ...base.applied, api: { hpa: 'api', cpuTarget: 64, minReplicas: 2 } } }),
    later,
    'changed',
  ],
  // a new decision line (even a dry-run one)
  [
    'new decision',
    base,
    status(later, {
      recentDecisions: [
        ...(base.recentDecisions ?? []),
        { time: iso(later), target: 'hpa/api.cpuTarget', from: 70, to: 64, reason: 'r', mode: 'dryRun' },
      ],
    }),
    later,
    'changed',
  ],
  // a spec edit was evaluated: observedGeneration follows at once
  ['observedGeneration', base, status(later, { observedGeneration: 4 }), later, 'changed'],
  // this process took over from another leader
  ['leader', base, status(later, { leader: 'op-b' }), later, 'changed'],
  // a time nobody can read is refreshed rather than trusted
  ['unreadable time', { ...base, lastEvaluationTime: 'yesterday' }, status(later), later, 'heartbeat'],
];

for (const [what, known, next, now, want] of cases) {
  test(`statusWrite: ${what}`, () => assert.equal(statusWrite(known, next, now), want));
}

test('statusWrite: the heartbeat is configurable', () => {
  assert.equal(statusWrite(base, status(T0 + 5000), T0 + 5000, 5000), 'heartbeat');
  assert.equal(statusWrite(base, status(T0 + 4999), T0 + 4999, 5000), 'unchanged');
});
