import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEntry } from './entry.ts';
import { L1Store } from './l1-store.ts';

const entry = (json = '{"a":1}') => createEntry(json);

test('invalidating a tag drops exactly the entries that carry it', () => {
  const l1 = new L1Store(10);
  const seq = l1.invalidationSeq;
  l1.set('p|1', entry(), ['product:1', 'brands'], seq);
  l1.set('p|2', entry(), ['product:2', 'brands'], seq);
  l1.invalidate(['product:1']);
  assert.equal(l1.get('p|1'), undefined);
  assert.ok(l1.get('p|2'));
  l1.invalidate(['brands']);
  assert.equal(l1.size, 0);
});

test('a value read before an invalidation of its tag is refused when stored after it', () => {
  const l1 = new L1Store(10);
  const readAt = l1.invalidationSeq;
  l1.invalidate(['product:1']); // a write lands while the value is being loaded
  assert.equal(l1.set('p|1', entry(), ['product:1'], readAt), false);
  assert.equal(l1.set('p|2', entry(), ['product:2'], readAt), true, 'other tags are unaffected');
  assert.equal(l1.set('p|1', entry(), ['product:1'], l1.invalidationSeq), true, 'a read started after is fine');
});

test('clear refuses every value read before it', () => {
  const l1 = new L1Store(10);
  const readAt = l1.invalidationSeq;
  l1.clear();
  assert.equal(l1.set('p|1', entry(), [], readAt), false);
});

test('when full, the oldest entry goes first; size 0 stores nothing', () => {
  const l1 = new L1Store(2);
  for (const k of ['a', 'b', 'c']) l1.set(k, entry(), ['t'], l1.invalidationSeq);
  assert.equal(l1.get('a'), undefined);
  assert.ok(l1.get('b') && l1.get('c'));
  assert.equal(new L1Store(0).set('a', entry(), [], 0), false);
});
