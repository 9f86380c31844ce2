import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeWithin } from './shutdown.ts';

test('clean when the in-flight work finishes within the bound', async () => {
  assert.equal(await closeWithin(1000, () => sleep(20)), 'clean');
});

test('forced when it does not, without waiting for it', async () => {
  const started = Date.now();
  // A close that never ends (a send stuck on a dead server).
  assert.equal(await closeWithin(50, () => new Promise(() => {})), 'forced');
  assert.ok(Date.now() - started < 2000);
});

test('forced when closing fails', async () => {
  assert.equal(await closeWithin(1000, () => Promise.reject(new Error('redis gone'))), 'forced');
});
