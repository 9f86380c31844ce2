import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyValue } from './load.ts';

test("values are escaped for COPY's text format", () => {
  const cases: Array<[unknown, string]> = [
    [null, '\\N'],
    [undefined, '\\N'],
    [42, '42'],
    [true, 'true'],
    ['plain', 'plain'],
    // a tab or newline inside a value would otherwise split the row
    ['a\tb\nc\rd', 'a\\tb\\nc\\rd'],
    // a backslash must not start an escape
    ['C:\\path', 'C:\\\\path'],
    // a literal \N in text is not a null
    ['\\N', '\\\\N'],
  ];
  for (const [input, expected] of cases) assert.equal(copyValue(input), expected, JSON.stringify(input));
});
