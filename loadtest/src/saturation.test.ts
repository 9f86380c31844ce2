import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brokenBy, findSaturation, nextRate, type SearchState, type StepResult, searchDefaults } from './saturation.ts';

const ok: StepResult = { rate: 100, throughput: 100, success: 1, p99: 10 };

test('brokenBy names the first criterion a step fails', () => {
  const cases: Array<[string, StepResult, RegExp | undefined]> = [
    // keeps up, no errors, fast: held
    ['held', ok, undefined],
    // 2% errors
    ['errors', { ...ok, success: 0.98 }, /success/],
    // answered only 90 of the 100 offered a second: fell behind
    ['behind', { ...ok, throughput: 90 }, /throughput/],
    // within the 5% allowance
    ['within keep-up', { ...ok, throughput: 96 }, undefined],
    // p99 over 250 ms
    ['slow', { ...ok, p99: 300 }, /p99/],
  ];
  for (const [name, step, want] of cases) {
    const got = brokenBy(step);
    if (want) assert.match(got ?? '', want, name);
    else assert.equal(got, undefined, name);
  }
});

test('nextRate climbs, steps down, bisects and stops', () => {
  const o = { ...searchDefaults, start: 100 };
  const cases: Array<[string, SearchState, number | undefined]> = [
    // nothing measured: the start
    ['start', { steps: 0 }, 100],
    // only good so far: grow by 1.25
    ['climb', { good: 100, steps: 1 }, 125],
    // the first step broke: go down
    ['down', { broken: 100, steps: 1 }, 80],
    // both known and far apart: the middle
    ['bisect', { good: 100, broken: 156, steps: 3 }, 128],
    // within 10%: done
    ['resolved', { good: 100, broken: 109, steps: 4 }, undefined],
    // out of steps
    ['budget', { good: 100, steps: 8 }, undefined],
    // broken even at the minimum rate: give up
    ['floor', { broken: 5, steps: 3 }, undefined],
  ];
  for (const [name, s, want] of cases) assert.equal(nextRate(s, o), want, name);
});

/** A server with a fixed capacity: fast below 90% of it, late and behind above. */
const server =
  (capacity: number) =>
  async (rate: number): Promise<StepResult> => ({
    rate,
    throughput: Math.min(rate, capacity),
    success: 1,
    p99: rate < 0.9 * capacity ? 5 : 2000,
  });

test('findSaturation lands within the resolution below the knee', async () => {
  const cases: Array<[string, number, number]> = [
    // start below the knee: climb then bisect
    ['from below', 1000, 300],
    // start above: step down then bisect
    ['from above', 100, 400],
    // start right at it
    ['near', 500, 440],
  ];
  for (const [name, capacity, start] of cases) {
    const s = await findSaturation(server(capacity), { start, maxSteps: 12 });
    const knee = 0.9 * capacity;
    assert.ok(s.rate < knee && s.rate >= knee / 1.25, `${name}: ${s.rate} vs knee ${knee}`);
    assert.ok(
      s.steps.some((x) => x.broken),
      `${name}: a broken step was seen`,
    );
    assert.equal(s.throughput, s.rate, name);
  }
});

test('findSaturation reports 0 when even the minimum rate breaks', async () => {
  const s = await findSaturation(server(1), { start: 20 });
  assert.equal(s.rate, 0);
  assert.ok(s.steps.every((x) => x.broken));
});
