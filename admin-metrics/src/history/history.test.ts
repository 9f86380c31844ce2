import assert from 'node:assert/strict';
import { test } from 'node:test';
import { History } from './history.ts';

const options = { fineStepSeconds: 5, fineSeconds: 3600, coarseStepSeconds: 60, coarseSeconds: 86_400, maxSeries: 50 };

test('the last hour at 5 s, the day as minute means, bounded whatever the uptime', () => {
  const h = new History(options);
  const start = Date.UTC(2026, 0, 1);
  // Two days of readings: only what the rings hold is kept.
  for (let i = 0; i < (2 * 86_400) / 5; i++) {
    h.append(
      start + i * 5000,
      new Map([
        ['a/b/c', i % 12],
        ['a/b/d', Number.NaN],
      ]),
    );
  }
  const now = start + (2 * 86_400 - 5) * 1000;
  const hour = h.range(now - 3600_000);
  assert.equal(hour.stepSeconds, 5);
  assert.equal(hour.times.length, 721);
  assert.equal(hour.series['a/b/d'], undefined, 'a series with no value is not sent');
  const day = h.range(now - 86_400_000);
  assert.equal(day.stepSeconds, 60);
  assert.ok(day.times.length <= 1440 && day.times.length >= 1439, `${day.times.length} minute points`);
  assert.equal(day.series['a/b/c']?.[5], 5.5, 'the mean of a minute (0..11)');
});

test('series past the bound are dropped and counted, not grown without limit', () => {
  const h = new History({ ...options, maxSeries: 3 });
  h.append(1000, new Map(['a', 'b', 'c', 'd', 'e'].map((k) => [k, 1])));
  assert.equal(h.seriesCount, 3);
  assert.equal(h.droppedSeries, 2);
});

test('empty: nothing to show yet (the page says it is collecting)', () => {
  const h = new History(options);
  assert.deepEqual(h.range(0), { stepSeconds: 5, times: [], series: {} });
});
