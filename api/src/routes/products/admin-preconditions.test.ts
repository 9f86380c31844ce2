import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ifMatchHolds } from './admin-preconditions.ts';

const etag = '"abc123"';

test('If-Match uses strong comparison (RFC 9110 13.1.1)', () => {
  const cases: Array<[header: string, holds: boolean, why: string]> = [
    ['"abc123"', true, 'the current tag'],
    ['"old", "abc123"', true, 'one tag of a list matches'],
    ['  "abc123"  ', true, 'whitespace around the tag'],
    ['*', true, 'any current representation'],
    ['"old"', false, 'a stale tag'],
    ['W/"abc123"', false, 'a weak tag never matches strongly'],
    ['"abc12"', false, 'a prefix is not the tag'],
    ['abc123', false, 'an unquoted value is not the tag'],
  ];
  for (const [header, holds, why] of cases) assert.equal(ifMatchHolds(header, etag), holds, why);
});
