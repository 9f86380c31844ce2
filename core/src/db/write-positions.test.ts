import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryWritePositionStore } from './write-positions.ts';

test('remembers the latest position per key and never moves back', async () => {
  const store = new MemoryWritePositionStore(60_000);
  await store.remember('user-1', 100n);
  await store.remember('user-1', 50n); // an older write finishing late must not lower the bar
  await store.remember('user-2', 7n);
  assert.equal(await store.recall('user-1'), 100n);
  assert.equal(await store.recall('user-2'), 7n);
  assert.equal(await store.recall('user-3'), undefined);
  await store.remember('user-1', 200n);
  assert.equal(await store.recall('user-1'), 200n);
});

test('forgets positions after the ttl', async () => {
  const store = new MemoryWritePositionStore(20);
  await store.remember('user-1', 1n);
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(await store.recall('user-1'), undefined);
});

test('stays bounded: the oldest writer is dropped first', async () => {
  const store = new MemoryWritePositionStore(60_000, 2);
  await store.remember('a', 1n);
  await store.remember('b', 2n);
  await store.remember('c', 3n);
  assert.equal(await store.recall('a'), undefined);
  assert.equal(await store.recall('b'), 2n);
  assert.equal(await store.recall('c'), 3n);
});
