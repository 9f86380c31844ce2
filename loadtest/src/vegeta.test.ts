import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childCpuSeconds, parseBashTime, parseResultsCsv } from './vegeta.ts';

test('parseResultsCsv reads send time, status and latency of each row', () => {
  const csv = [
    // an answer: 200 after 1.5 ms
    '1795997085027077988,200,1500000,0,1234,,,,0,GET,http://x/a,',
    // no answer: status 0 and an error text with quotes and commas
    '1795997085226857440,0,10000000000,0,0,"Get ""http://x/b"": EOF, reset",,,1,GET,http://x/b,',
    '',
  ].join('\n');
  const [a, b, c] = parseResultsCsv(csv);
  assert.deepEqual(a, { at: 1795997085027.077, code: 200, latencyMs: 1.5 });
  assert.equal(b?.code, 0);
  assert.equal(b?.latencyMs, 10_000);
  assert.equal(c, undefined, 'the trailing empty line is no result');
});

test('bash times of the generator: minutes and seconds, user + system', () => {
  const cases: Array<[string, number]> = [
    ['0m1.500s', 1.5],
    ['2m0.250s', 120.25],
  ];
  for (const [s, want] of cases) assert.equal(parseBashTime(s), want, s);
  assert.equal(childCpuSeconds('0m0.01s 0m0.00s\n0m3.000s 0m1.500s\n'), 4.5);
});
