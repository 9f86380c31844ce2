import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEntry, decodeL2, encodeL2 } from './entry.ts';
import { matchesEtag } from './http.ts';

test('the Redis form round-trips body bytes, ETag, creation time and generations', () => {
  const e = createEntry('{"title":"a\\nb | c"}', 1234);
  const decoded = decodeL2(encodeL2(e, ['g1', 'g2']));
  assert.ok(decoded);
  assert.equal(decoded.entry.body, '{"title":"a\\nb | c"}');
  assert.equal(decoded.entry.etag, e.etag);
  assert.equal(decoded.entry.createdAt, 1234);
  assert.deepEqual(decoded.gens, ['g1', 'g2']);
  assert.equal(decodeL2(encodeL2(createEntry(undefined), []))?.entry.absent, true);
  assert.equal(decodeL2(Buffer.from('garbage')), undefined);
});

test('equal bodies have equal ETags, different bodies different ones', () => {
  assert.equal(createEntry('{"a":1}').etag, createEntry('{"a":1}').etag);
  assert.notEqual(createEntry('{"a":1}').etag, createEntry('{"a":2}').etag);
});

test('If-None-Match: exact, weak, list, star; anything else does not match', () => {
  const cases: Array<[string, boolean]> = [
    ['"abc"', true], // the tag itself
    ['W/"abc"', true], // weak comparison
    ['"x", "abc"', true], // in a list
    ['*', true], // any representation
    ['"abcd"', false], // another tag
    ['abc', false], // unquoted is not the tag
  ];
  for (const [header, expected] of cases) assert.equal(matchesEtag(header, '"abc"'), expected, header);
});
