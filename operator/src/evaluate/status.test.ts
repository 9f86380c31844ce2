import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hpa, observations, policy, T0 } from '../decide/fixtures.test-support.ts';
import type { Action } from '../decide/index.ts';
import { initialState } from './state.ts';
import { buildStatus, type StatusInput } from './status.ts';

const input = (over: Partial<StatusInput> = {}): StatusInput => ({
  spec: policy(),
  obs: observations({ cacheTtls: { product: 600 } }),
  actions: [],
  missing: [],
  state: initialState(),
  now: T0,
  generation: 4,
  identity: 'op-a',
  ...over,
});
const cut: Action = { kind: 'cpuTarget', hpa: 'api', target: 'hpa/api.cpuTarget', from: 70, to: 56, reason: 'r' };
const ttl: Action = { kind: 'cacheTtl', cls: 'product', target: 'cache/product.ttl', from: 600, to: 1200, reason: 'r' };

test('buildStatus: who, which generation, when', () => {
  const s = buildStatus(input());
  assert.equal(s.observedGeneration, 4);
  assert.equal(s.leader, 'op-a');
  assert.equal(s.lastEvaluationTime, new Date(T0).toISOString());
});

// [what, actions, expected applied]
const applied: Array<[string, Action[], object]> = [
  // nothing decided: the values read
  [
    'as read',
    [],
    {
      api: { hpa: 'api', cpuTarget: 70, minReplicas: 2 },
      workers: [{ queue: 'emails', hpa: 'worker', minReplicas: 1 }],
      cacheTtls: [{ class: 'product', ttlSeconds: 600 }],
    },
  ],
  // decided values stand over what was read
  [
    'as decided',
    [cut, ttl],
    {
      api: { hpa: 'api', cpuTarget: 56, minReplicas: 2 },
      workers: [{ queue: 'emails', hpa: 'worker', minReplicas: 1 }],
      cacheTtls: [{ class: 'product', ttlSeconds: 1200 }],
    },
  ],
];
for (const [what, actions, want] of applied) {
  test(`buildStatus: applied ${what}`, () => assert.deepEqual(buildStatus(input({ actions })).applied, want));
}

test('buildStatus: an unreadable HPA or TTL leaves its value out rather than guessing', () => {
  const s = buildStatus(input({ obs: observations({ hpas: { worker: hpa({ minReplicas: 3 }) } }) }));
  assert.deepEqual(s.applied?.api, { hpa: 'api', cpuTarget: undefined, minReplicas: undefined });
  assert.deepEqual(s.applied?.cacheTtls, []);
});

test('buildStatus: observed figures rounded, a queue not read says so, at most 20 missing lines', () => {
  const s = buildStatus(
    input({
      obs: observations({
        p95LatencyMs: 31.23456,
        cacheHitRates: { product: 0.912345, search: undefined },
        queues: {},
      }),
      missing: Array.from({ length: 25 }, (_, i) => `m${i}`),
    }),
  );
  assert.equal(s.observed?.p95LatencyMs, 31.23);
  assert.deepEqual(s.observed?.cacheHitRates, [{ class: 'product', hitRate: 0.9123 }]);
  assert.deepEqual(s.observed?.queues, [{ queue: 'emails', missing: 'not read' }]);
  assert.equal(s.observed?.missing?.length, 20);
});
