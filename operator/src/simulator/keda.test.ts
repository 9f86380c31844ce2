import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KedaOptions, kedaStyle } from './keda.ts';
import type { Trace } from './trace.ts';
import { World } from './world.ts';

// One API pod's worth of traffic, no jobs at the start, every job prioritized (an order confirmation).
const trace: Trace = {
  name: 'keda',
  description: '',
  durationSeconds: 60,
  model: {
    cpuMsPerRequest: 1,
    baseLatencyMs: 3,
    jobsPerSecondPerReplica: 40,
    prioritizedShare: 1,
    apiPodStartSeconds: 0,
    workerPodStartSeconds: 0,
  },
  slo: { p95LatencyMs: 30, maxWaitSeconds: 30 },
  bounds: { api: { min: 1, max: 10 }, worker: { min: 1, max: 10 } },
  points: [[0, 500, 0]],
};

/** The worker replicas the strategy's HPA asks for after one step with 1000 jobs queued and the given busy share. */
function workersAfter(queue: KedaOptions['queue'], workerBusy: number, jobs = 1000): number {
  const s = kedaStyle({ name: 'k', api: { trigger: 'cpu', targetPercent: 70 }, queue })(trace);
  const world = new World(trace, s.api.desired, s.worker.desired);
  world.queueStep(jobs, 0);
  s.step({ t: 0, world, rps: 500, jobs, apiUtilization: 0.5, windowP95: 10, workerBusy, completedLastSecond: 0 });
  return s.worker.desired;
}

// [name, queue trigger, workers busy, jobs, replicas asked for]
const rows: Array<[string, KedaOptions['queue'], number, number, number]> = [
  // the Redis list scaler reads the wait list: 960 prioritized jobs are invisible, the floor stays
  ['wait list misses prioritized jobs', { counts: 'wait-list', listLength: 5 }, 1, 1000, 1],
  // the whole backlog: 960 ÷ 5 per replica, held to the HPA's +4 per sync from 1
  ['backlog sees them', { counts: 'backlog', listLength: 5 }, 1, 1000, 5],
  // no backlog but the one worker is fully busy: the CPU trigger asks ⌈1 × 100/70⌉ = 2
  ['cpu trigger keeps a steady stream', { counts: 'backlog', listLength: 5, cpuPercent: 70 }, 1, 0, 2],
  // the same without the CPU trigger: nothing queued, nothing asked
  ['queue alone sees nothing', { counts: 'backlog', listLength: 5 }, 1, 0, 1],
];
for (const [name, queue, busy, jobs, want] of rows) {
  test(`keda: ${name}`, () => assert.equal(workersAfter(queue, busy, jobs), want));
}
