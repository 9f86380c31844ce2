import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Schedule } from './schedule.ts';

/** One step against the schedule, with what it must answer. Times are plain milliseconds. */
type Step =
  | { set: string; gen?: number; every: number; at: number }
  | { del: string }
  | { take: number; want: string[] }
  | { done: string; started: number; at: number }
  | { next: number | undefined };

const a1 = { set: 'a', gen: 1, every: 2000, at: 0 };

// [what, steps]
const cases: Array<[string, Step[]]> = [
  // nothing watched: no timer at all
  ['empty', [{ next: undefined }, { take: 0, want: [] }]],
  // a policy the watch just listed is due at once, and not again while it runs
  ['new is due at once', [a1, { next: 0 }, { take: 0, want: ['a'] }, { next: undefined }, { take: 9999, want: [] }]],
  // the next evaluation is one interval after the start of the last, not after its end
  [
    'interval counts from the start',
    [a1, { take: 0, want: ['a'] }, { done: 'a', started: 0, at: 300 }, { next: 2000 }, { take: 1999, want: [] }],
  ],
  // due exactly at the interval
  [
    'due on the interval',
    [a1, { take: 0, want: ['a'] }, { done: 'a', started: 0, at: 300 }, { take: 2000, want: ['a'] }],
  ],
  // an evaluation that overran its interval is followed at once (never two at a time)
  ['overrun is due at once', [a1, { take: 0, want: ['a'] }, { done: 'a', started: 0, at: 2500 }, { next: 2500 }]],
  // the watch seeing the policy again (its status written) with the same generation moves nothing
  [
    'same generation keeps the time',
    [a1, { take: 0, want: ['a'] }, { done: 'a', started: 0, at: 100 }, { ...a1, at: 500 }, { next: 2000 }],
  ],
  // a spec edit (new generation) is evaluated at once
  [
    'new generation is due at once',
    [
      a1,
      { take: 0, want: ['a'] },
      { done: 'a', started: 0, at: 100 },
      { ...a1, gen: 2, at: 500 },
      { next: 500 },
      { take: 500, want: ['a'] },
    ],
  ],
  // a spec edit during an evaluation: evaluated again as soon as that one ends
  [
    'new generation while running reruns',
    [
      a1,
      { take: 0, want: ['a'] },
      { ...a1, gen: 2, at: 100 },
      { next: undefined },
      { done: 'a', started: 0, at: 300 },
      { next: 300 },
    ],
  ],
  // a new interval applies from the evaluation of the new generation on
  [
    'new interval',
    [
      a1,
      { take: 0, want: ['a'] },
      { done: 'a', started: 0, at: 10 },
      { set: 'a', gen: 2, every: 10_000, at: 100 },
      { take: 100, want: ['a'] },
      { done: 'a', started: 100, at: 110 },
      { next: 10_100 },
    ],
  ],
  // a deleted policy is never due again, even when its evaluation was still running
  [
    'deleted',
    [
      a1,
      { take: 0, want: ['a'] },
      { del: 'a' },
      { done: 'a', started: 0, at: 100 },
      { next: undefined },
      { take: 1e9, want: [] },
    ],
  ],
  // each policy keeps its own interval
  [
    'two intervals',
    [
      { set: 'a', gen: 1, every: 1000, at: 0 },
      { set: 'b', gen: 1, every: 5000, at: 0 },
      { take: 0, want: ['a', 'b'] },
      { done: 'a', started: 0, at: 10 },
      { done: 'b', started: 0, at: 10 },
      { next: 1000 },
      { take: 1000, want: ['a'] },
      { done: 'a', started: 1000, at: 1010 },
      { take: 4999, want: ['a'] },
      { done: 'a', started: 4999, at: 5001 },
      { take: 5001, want: ['b'] },
      { next: 5999 },
    ],
  ],
];

for (const [what, steps] of cases) {
  test(`schedule: ${what}`, () => {
    const s = new Schedule();
    steps.forEach((step, i) => {
      const at = `step ${i} ${JSON.stringify(step)}`;
      if ('set' in step) s.set(step.set, { generation: step.gen, intervalMs: step.every }, step.at);
      else if ('del' in step) s.delete(step.del);
      else if ('take' in step) assert.deepEqual(s.take(step.take), step.want, at);
      else if ('done' in step) s.done(step.done, step.started, step.at);
      else assert.equal(s.next(), step.next, at);
    });
  });
}

test('schedule: running() tells an evaluation under way', () => {
  const s = new Schedule();
  s.set('a', { generation: 1, intervalMs: 1000 }, 0);
  assert.equal(s.running('a'), false);
  s.take(0);
  assert.equal(s.running('a'), true);
  s.done('a', 0, 5);
  assert.equal(s.running('a'), false);
  assert.equal(s.running('gone'), false);
});
