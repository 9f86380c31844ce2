import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Phase, recoverySeconds, splitPhases, type TimedResult } from './phases.ts';

/** `n` results sent evenly over [from, to), each with this latency and status. */
const run = (from: number, to: number, n: number, latencyMs: number, code = 200): TimedResult[] =>
  Array.from({ length: n }, (_, i) => ({ at: from + ((to - from) * i) / n, latencyMs, code }));

const phases: Phase[] = [
  { name: 'before', from: 0, to: 10_000 },
  { name: 'spike', from: 10_000, to: 20_000 },
  { name: 'after', from: 20_000, to: 30_000 },
];

test('splitPhases assigns each request to the phase it was sent in', () => {
  const results = [
    ...run(0, 10_000, 100, 2),
    ...run(10_000, 20_000, 1000, 50),
    ...run(20_000, 30_000, 100, 3),
    { at: 30_000, latencyMs: 999, code: 200 }, // after the last phase: left out
  ];
  const [before, spike, after] = splitPhases(results, phases);
  const cases: Array<[string, unknown, unknown]> = [
    // the base rate: 10/s, all fast
    ['before rate', before?.sentPerSecond, 10],
    ['before p99', before?.p99, 2],
    // the spike: 100/s, its own latency
    ['spike rate', spike?.sentPerSecond, 100],
    ['spike p95', spike?.p95, 50],
    // the request at exactly 30 000 ms belongs to no phase
    ['after count', after?.count, 100],
    ['after max', after?.max, 3],
  ];
  for (const [name, got, want] of cases) assert.equal(got, want, name);
});

test('splitPhases counts errors by status, 0 for no answer, and 4xx/5xx', () => {
  const results: TimedResult[] = [
    { at: 1, latencyMs: 1, code: 200 },
    { at: 2, latencyMs: 1, code: 503 },
    { at: 3, latencyMs: 1, code: 503 },
    { at: 4, latencyMs: 10_000, code: 0 },
    { at: 5, latencyMs: 1, code: 429 },
    { at: 6, latencyMs: 1, code: 304 }, // a 3xx is an answer, not an error
  ];
  const [s] = splitPhases(results, [{ name: 'all', from: 0, to: 10 }]);
  assert.equal(s?.errors, 4);
  assert.deepEqual(s?.errorsByCode, { '0': 1, '429': 1, '503': 2 });
});

test('recoverySeconds finds the first window after which every window is normal', () => {
  const cases: Array<[string, TimedResult[], number | null]> = [
    // normal from the first window: recovered at once
    ['at once', run(20_000, 30_000, 100, 3), 0],
    // slow for 4 s (two 2 s windows), then normal: recovered after 4 s
    ['after 4 s', [...run(20_000, 24_000, 40, 400), ...run(24_000, 30_000, 60, 3)], 4],
    // normal, slow again, normal: the later return counts
    ['relapse', [...run(20_000, 22_000, 20, 3), ...run(22_000, 24_000, 20, 400), ...run(24_000, 30_000, 60, 3)], 4],
    // errors above 1% keep a window from counting even when fast
    ['errors', [...run(20_000, 26_000, 60, 3, 503), ...run(26_000, 30_000, 40, 3)], 6],
    // still slow at the end: not recovered
    ['never', [...run(20_000, 28_000, 80, 3), ...run(28_000, 30_000, 20, 400)], null],
    // within 2× of the baseline p99 (or +20 ms) is normal
    ['within bound', run(20_000, 30_000, 100, 24), 0],
  ];
  for (const [name, results, want] of cases) assert.equal(recoverySeconds(results, 20_000, 30_000, 5), want, name);
});
