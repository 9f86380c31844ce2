import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide } from './decide.ts';
import { hpa, memory, observations, policy, T0 } from './fixtures.test-support.ts';

test('decide is pure: the memory passed in is left as it was', () => {
  const before = memory({ apiCalmSince: T0 - 1000 });
  const frozen = structuredClone(before);
  const d = decide(policy(), observations({ p95LatencyMs: 100 }), before, T0);
  assert.deepEqual(before, frozen);
  assert.notDeepEqual(d.memory, before);
});

test('stale observations hold everything and report metrics unavailable', () => {
  const spec = policy();
  const obs = observations({ p95LatencyMs: 500, at: T0 - 11_000 });
  const d = decide(spec, obs, memory(), T0);
  assert.deepEqual(d.actions, []);
  assert.equal(d.metricsAvailable, false);
  assert.match(d.missing[0] ?? '', /stale/);
});

test('a missing source is reported, while what is known still acts (upward only)', () => {
  const obs = observations({
    p95LatencyMs: undefined,
    missing: ['api: scrape of http://x/metrics failed'],
    queues: { emails: { backlog: 1000, oldestWaitSeconds: 0, workers: 1 } },
  });
  const d = decide(policy(), obs, memory(), T0);
  assert.equal(d.metricsAvailable, false);
  assert.deepEqual(
    d.actions.map((a) => a.target),
    ['hpa/worker.minReplicas'],
  );
});

test('a queue that cannot be read is a missing metric, never a zero backlog', () => {
  const obs = observations({ queues: { emails: undefined }, hpas: { api: hpa(), worker: hpa({ minReplicas: 9 }) } });
  const d = decide(policy(), obs, memory({ queues: { emails: { perReplica: 10, belowSince: T0 - 600_000 } } }), T0);
  assert.equal(d.metricsAvailable, false);
  assert.deepEqual(d.missing, ['queue emails: not read']);
  assert.deepEqual(d.actions, []);
});

test('all fresh: metrics available, nothing to do in the band', () => {
  const d = decide(policy(), observations({ p95LatencyMs: 40 }), memory(), T0);
  assert.equal(d.metricsAvailable, true);
  assert.deepEqual(d.actions, []);
});
