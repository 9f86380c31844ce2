import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unstorable } from './storable.ts';

test('NUL in a string, a key or an array item, and non-finite numbers are unstorable, with their path', () => {
  assert.equal(unstorable({ q: 'a\u0000b' })?.instancePath, '/q');
  assert.equal(unstorable({ tags: ['ok', '\u0000'] })?.instancePath, '/tags/1');
  assert.ok(unstorable({ '\u0000': 1 }));
  assert.equal(unstorable({ n: Number.POSITIVE_INFINITY })?.instancePath, '/n');
  assert.ok(unstorable({ a: { b: Number.NaN } }));
});

test('ordinary input is storable', () => {
  assert.equal(unstorable({ q: 'ünïcødé 🚀', n: -1.5, big: Number.MAX_SAFE_INTEGER, list: [null, true] }), undefined);
  assert.equal(unstorable(undefined), undefined);
});
