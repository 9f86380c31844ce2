import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultBehavior as b } from './decide.ts';
import { hpa, memory, observations, T0, workerSpec } from './fixtures.test-support.ts';
import type { Memory, QueueObservation } from './types.ts';
import { decideWorker, learnPerReplica, replicasNeeded } from './workers.ts';

const w = workerSpec();
const q = (over: Partial<QueueObservation>): QueueObservation => ({ backlog: 0, oldestWaitSeconds: 0, ...over });

// [name, queue, per-replica throughput, replicas needed]
const sizing: Array<[string, QueueObservation, number | undefined, number | undefined]> = [
  // nothing arrives, nothing waits: no replica needed
  ['idle', q({ arrivalPerSecond: 0 }), 10, 0],
  // keeping up only: 25 jobs/s at 10 per replica
  ['steady arrivals', q({ arrivalPerSecond: 25 }), 10, 3],
  // 3000 waiting, fresh: drain within 30 s = 100/s, plus 20/s arriving, at 10 per replica
  ['fresh backlog', q({ backlog: 3000, arrivalPerSecond: 20 }), 10, 12],
  // the oldest job waited 20 s already: 10 s left, so 300/s + 20/s
  ['late backlog is urgent', q({ backlog: 3000, oldestWaitSeconds: 20, arrivalPerSecond: 20 }), 10, 32],
  // already past maxWait: the horizon stops at a quarter of it (7.5 s), not zero
  ['overdue backlog is bounded', q({ backlog: 3000, oldestWaitSeconds: 90 }), 10, 40],
  // work waits but no replica was ever measured: unknown (the caller doubles)
  ['unknown throughput', q({ backlog: 10 }), undefined, undefined],
];
for (const [name, obs, mu, want] of sizing) {
  test(`replicasNeeded: ${name}`, () => assert.equal(replicasNeeded(w, obs, mu), want));
}

// [name, queue, workers, known estimate, new estimate]
const learning: Array<[string, QueueObservation, number, number | undefined, number | undefined]> = [
  // a busy queue measures capacity: 40 jobs/s over 4 workers
  ['busy measures', q({ backlog: 5, completedPerSecond: 40 }), 4, undefined, 10],
  // a busy queue averages with what was known
  ['busy averages', q({ backlog: 5, completedPerSecond: 40 }), 4, 20, 15],
  // an idle queue only proves a lower bound: it cannot lower the estimate
  ['idle keeps higher estimate', q({ completedPerSecond: 4 }), 4, 10, 10],
  // nothing completed: keep what was known (a stuck worker is no measurement)
  ['no completions keeps', q({ backlog: 5, completedPerSecond: 0 }), 4, 10, 10],
];
for (const [name, obs, workers, known, want] of learning) {
  test(`learnPerReplica: ${name}`, () => assert.equal(learnPerReplica(obs, workers, known), want));
}

type Row = [string, QueueObservation | undefined, number, Partial<Memory>, string | null];
// [name, queue, current floor, memory, expected change]
const rows: Row[] = [
  // a burst with a measured replica: straight to what Little's law asks for
  [
    'burst raises at once',
    q({ backlog: 3000, arrivalPerSecond: 20 }),
    1,
    { queues: { emails: { perReplica: 10 } } },
    '1->12',
  ],
  // a burst before any measurement: double (at least +1)
  ['burst without measurement doubles', q({ backlog: 50, workers: 0 }), 3, {}, '3->6'],
  // fewer replicas would do, but not for the stabilization window yet
  [
    'scale-down waits',
    q({ arrivalPerSecond: 10 }),
    12,
    { queues: { emails: { perReplica: 10, belowSince: T0 - 5000 } } },
    null,
  ],
  // after the window: down by a quarter at most, not straight to what is needed
  [
    'scale-down gradual',
    q({ arrivalPerSecond: 10 }),
    12,
    { queues: { emails: { perReplica: 10, belowSince: T0 - 61_000 } } },
    '12->9',
  ],
  // the queue could not be read: hold, whatever the floor
  ['missing queue holds', undefined, 12, { queues: { emails: { perReplica: 10, belowSince: T0 - 600_000 } } }, null],
  // never above the policy's max
  ['capped at max', q({ backlog: 1_000_000 }), 1, { queues: { emails: { perReplica: 1 } } }, '1->50'],
];
for (const [name, queue, floor, mem, want] of rows) {
  test(`worker: ${name}`, () => {
    const obs = observations({ queues: { emails: queue }, hpas: { worker: hpa({ minReplicas: floor }) } });
    const { actions } = decideWorker(w, b, obs, memory(mem), T0);
    assert.deepEqual(
      actions.map((a) => `${a.from}->${a.to}`),
      want ? [want] : [],
    );
  });
}
