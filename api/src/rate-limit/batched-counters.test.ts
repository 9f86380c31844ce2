// BatchedCounters, the in-process half of the general rate limit: what one instance answers for a sequence
// of hits and syncs, then several instances reconciling through a model of the Redis script (INCRBY, PEXPIRE
// when new, PTTL) to check the error bound stated in docs/api.md. Virtual time: every call gets `now`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BatchedCounters, type SyncBatch, type SyncResult } from './batched-counters.ts';

const W = 1000;
type Step =
  | { hit: string; at: number; expect?: [current: number, ttl: number]; syncNow?: boolean }
  | { take: number; expect: [key: string, delta: number][] }
  | { settle: (SyncResult | undefined)[]; at: number }
  | { fail: true }
  | { sweep: number; expect: number }
  | { size: number };

const cases: { name: string; steps: Step[]; options?: { syncHits?: number; maxKeys?: number } }[] = [
  // Alone, the count is exact and the window runs from the first hit.
  {
    name: 'one instance counts every hit',
    steps: [
      { hit: 'a', at: 0, expect: [1, 1000] },
      { hit: 'a', at: 10, expect: [2, 990] },
      { hit: 'b', at: 20, expect: [1, 1000] },
      { hit: 'a', at: 30, expect: [3, 970] },
    ],
  },
  // Past its end a window starts again from zero.
  {
    name: 'a new window after the end',
    steps: [
      { hit: 'a', at: 0 },
      { hit: 'a', at: 999, expect: [2, 1] },
      { hit: 'a', at: 1000, expect: [1, 1000] },
    ],
  },
  // Redis's answer replaces the count (other instances' hits included) and the window's end.
  {
    name: 'a sync adopts Redis count and window',
    steps: [
      { hit: 'a', at: 0 },
      { hit: 'a', at: 0 },
      { take: 0, expect: [['a', 2]] },
      { settle: [{ count: 10, pttl: 400 }], at: 100 },
      { hit: 'a', at: 100, expect: [11, 400] },
    ],
  },
  // Hits made while a sync is in flight are neither lost nor counted twice.
  {
    name: 'hits during a sync in flight',
    steps: [
      { hit: 'a', at: 0 },
      { hit: 'a', at: 0 },
      { take: 0, expect: [['a', 2]] },
      { hit: 'a', at: 1, expect: [3, 999] },
      { settle: [{ count: 7, pttl: 900 }], at: 2 },
      { hit: 'a', at: 2, expect: [9, 900] },
      { take: 2, expect: [['a', 2]] },
    ],
  },
  // Redis unreachable: the hits wait for the next sync and still count locally.
  {
    name: 'a failed sync keeps its hits',
    steps: [
      { hit: 'a', at: 0 },
      { hit: 'a', at: 0 },
      { take: 0, expect: [['a', 2]] },
      { fail: true },
      { hit: 'a', at: 1, expect: [3, 999] },
      { take: 1, expect: [['a', 3]] },
    ],
  },
  // One key's call failing does not undo another's answer.
  {
    name: 'a failed item of a batch',
    steps: [
      { hit: 'a', at: 0 },
      { hit: 'b', at: 0 },
      {
        take: 0,
        expect: [
          ['a', 1],
          ['b', 1],
        ],
      },
      { settle: [{ count: 5, pttl: 800 }, undefined], at: 1 },
      { hit: 'a', at: 1, expect: [6, 800] },
      { hit: 'b', at: 1, expect: [2, 999] },
      {
        take: 1,
        expect: [
          ['b', 2],
          ['a', 1],
        ],
      },
    ],
  },
  // An answer about a window this instance has left must not leak into the new one.
  {
    name: 'a late answer for an ended window is ignored',
    steps: [
      { hit: 'a', at: 0 },
      { take: 0, expect: [['a', 1]] },
      { hit: 'a', at: 1000, expect: [1, 1000] },
      { settle: [{ count: 50, pttl: 5 }], at: 1001 },
      { hit: 'a', at: 1001, expect: [2, 999] },
    ],
  },
  // Hits of an ended window are not sent (they would start a new Redis window with an old count).
  {
    name: 'a batch skips ended windows',
    steps: [
      { hit: 'a', at: 0 },
      { hit: 'b', at: 500 },
      { take: 1200, expect: [['b', 1]] },
    ],
  },
  // The hit trigger: the N-th unsent hit of a key asks for a sync now.
  {
    name: 'syncNow at N unsent hits',
    options: { syncHits: 3 },
    steps: [
      { hit: 'a', at: 0, syncNow: false },
      { hit: 'a', at: 0, syncNow: false },
      { hit: 'a', at: 0, syncNow: true },
      { take: 0, expect: [['a', 3]] },
      { hit: 'a', at: 0, syncNow: false },
    ],
  },
  // Memory is bounded; a forgotten key's unsent hits still reach Redis.
  {
    name: 'beyond maxKeys the oldest key is forgotten',
    options: { maxKeys: 2 },
    steps: [
      { hit: 'a', at: 0 },
      { hit: 'b', at: 0 },
      { hit: 'c', at: 0 },
      { size: 2 },
      {
        take: 0,
        expect: [
          ['a', 1],
          ['b', 1],
          ['c', 1],
        ],
      },
      { hit: 'a', at: 1, expect: [1, 1000] },
    ],
  },
  // Ended windows are dropped from memory.
  {
    name: 'sweep',
    steps: [{ hit: 'a', at: 0 }, { hit: 'b', at: 600 }, { sweep: 1000, expect: 1 }, { size: 1 }],
  },
];

describe('BatchedCounters on one instance', () => {
  for (const c of cases) {
    test(c.name, () => {
      const counters = new BatchedCounters({ syncHits: 1000, maxKeys: 1000, ...c.options });
      let batch: SyncBatch | undefined;
      c.steps.forEach((step, i) => {
        const at = `step ${i}`;
        if ('hit' in step) {
          const d = counters.hit(step.hit, W, step.at);
          if (step.expect) assert.deepEqual([d.current, d.ttl], step.expect, at);
          if (step.syncNow !== undefined) assert.equal(d.syncNow, step.syncNow, at);
        } else if ('take' in step) {
          batch = counters.takeBatch(step.take);
          assert.deepEqual(
            batch.items.map((x) => [x.key, x.delta]),
            step.expect,
            at,
          );
        } else if ('settle' in step) {
          counters.settle(batch as SyncBatch, step.settle, step.at);
        } else if ('fail' in step) {
          counters.fail(batch as SyncBatch);
        } else if ('sweep' in step) {
          assert.equal(counters.sweep(step.sweep), step.expect, at);
        } else {
          assert.equal(counters.size, step.size, at);
        }
      });
    });
  }
});

/** The Redis script (INCRBY; PEXPIRE when new; PTTL), in memory, on virtual time. */
class RedisModel {
  readonly #keys = new Map<string, { count: number; expires: number }>();
  add(key: string, delta: number, windowMs: number, now: number): SyncResult {
    let k = this.#keys.get(key);
    if (!k || now >= k.expires) {
      k = { count: 0, expires: now + windowMs };
      this.#keys.set(key, k);
    }
    k.count += delta;
    return { count: k.count, pttl: k.expires - now };
  }
}

interface Scenario {
  instances: number;
  max: number;
  /** Hit trigger N. */
  syncHits: number;
  /** Sync period T in ticks (1 tick = 1 ms); instance i syncs at ticks ≡ i·T/k (staggered: the worst case). */
  syncEvery: number;
  ticks: number;
  /** Which instances get one request of the client at this tick. */
  pattern: (tick: number) => number[];
}

/** Requests of one client admitted (current ≤ max) in one window over all instances; syncs take no time. */
function admitted(s: Scenario): number {
  const redis = new RedisModel();
  const nodes = Array.from({ length: s.instances }, () => new BatchedCounters({ syncHits: s.syncHits, maxKeys: 100 }));
  const sync = (n: BatchedCounters, now: number) => {
    const batch = n.takeBatch(now);
    n.settle(
      batch,
      batch.items.map((x) => redis.add(x.key, x.delta, x.windowMs, now)),
      now,
    );
  };
  let ok = 0;
  for (let t = 0; t < s.ticks; t++) {
    nodes.forEach((n, i) => {
      if (t % s.syncEvery === Math.floor((i * s.syncEvery) / s.instances)) sync(n, t);
    });
    for (const i of s.pattern(t)) {
      const n = nodes[i] as BatchedCounters;
      const d = n.hit('client', 60_000, t);
      if (d.current <= s.max) ok++;
      if (d.syncNow) sync(n, t);
    }
  }
  return ok;
}

describe('several instances: the combined limit within the stated bound', () => {
  // bound: max + 2·R·T (R = the client's requests per tick over all instances), or with the hit trigger
  // alone (T beyond the run) and a client spread evenly, max + 2·N·(k−1).
  const table: { name: string; s: Scenario; bound: number }[] = [
    // One instance is exact whatever the sync.
    {
      name: 'one instance: exactly max',
      s: { instances: 1, max: 50, syncHits: 1000, syncEvery: 100, ticks: 1000, pattern: () => [0] },
      bound: 50,
    },
    // Two instances, alternating, synced by the hit trigger only (N = 4).
    {
      name: 'two instances, hit trigger: max + 2N',
      s: { instances: 2, max: 20, syncHits: 4, syncEvery: 1e9, ticks: 200, pattern: (t) => [t % 2] },
      bound: 20 + 2 * 4,
    },
    // Three instances, one request to each every tick (R = 3), T = 10 ticks.
    {
      name: 'three instances, timer: max + 2RT',
      s: { instances: 3, max: 100, syncHits: 1e9, syncEvery: 10, ticks: 500, pattern: () => [0, 1, 2] },
      bound: 100 + 2 * 3 * 10,
    },
    // All on one instance, then all on the other: the second learns at its first sync.
    {
      name: 'client moves from one instance to the other',
      s: { instances: 2, max: 30, syncHits: 1e9, syncEvery: 20, ticks: 400, pattern: (t) => [t < 100 ? 0 : 1] },
      bound: 30 + 2 * 1 * 20,
    },
  ];
  for (const { name, s, bound } of table) {
    test(name, () => {
      const n = admitted(s);
      assert.ok(n >= s.max, `${n} admitted: never fewer than max`);
      assert.ok(n <= bound, `${n} admitted, bound ${bound}`);
    });
  }

  test('without reconciliation each instance would admit max: the bound is tighter than that', () => {
    // The scenario of the hit-trigger row with syncs that never come: k·max get through.
    const never = admitted({
      instances: 2,
      max: 20,
      syncHits: 1e9,
      syncEvery: 1e9,
      ticks: 200,
      pattern: (t) => [t % 2],
    });
    assert.equal(never, 40);
  });
});
