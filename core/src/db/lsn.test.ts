import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLsn, parseLsn } from './lsn.ts';

test('WAL positions parse, compare and print back', () => {
  const cases: Array<[string, bigint]> = [
    // the start of WAL
    ['0/0', 0n],
    // low word only
    ['0/16B3748', 0x16b3748n],
    // the high word counts 4 GiB segments
    ['16/B374D848', (0x16n << 32n) | 0xb374d848n],
    // lower-case hex as some tools print it
    ['a/ff', (0xan << 32n) | 0xffn],
  ];
  for (const [text, value] of cases) {
    assert.equal(parseLsn(text), value, text);
    assert.equal(parseLsn(formatLsn(value)), value, `round trip of ${text}`);
  }
  assert.ok(parseLsn('1/0') > parseLsn('0/FFFFFFFF'), 'a higher segment is later whatever the low word');
});

test('anything else is refused', () => {
  for (const bad of ['', '0', '0/', '/0', '0/0/0', 'G/0', '123456789/0', ' 0/0']) {
    assert.throws(() => parseLsn(bad), TypeError, JSON.stringify(bad));
  }
});
