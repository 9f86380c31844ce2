// closeWithin: asserts what happened and in which order (the in-flight work finished before the close
// resolved; the forced answer came while the close was still pending), never how long anything took.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { closeWithin } from './shutdown.ts';

test('clean when the in-flight work finishes within the bound, and only after it finished', async () => {
  let finished = false;
  const close = async () => {
    await nextTurn();
    finished = true;
  };
  assert.equal(await closeWithin(60_000, close), 'clean');
  assert.equal(finished, true, 'the in-flight work had finished when closeWithin resolved');
});

// The timeout only keeps a broken closeWithin (one that waits for the close) from hanging the run: the
// stuck close never ends before release(), so such an implementation fails however fast the machine.
test('forced when it does not, without waiting for it', { timeout: 30_000 }, async () => {
  // A close that only ends when the test lets it (a send stuck on a dead server).
  let release: () => void = () => {};
  let settled = false;
  const stuck = new Promise<void>((resolve) => {
    release = resolve;
  }).then(() => {
    settled = true;
  });
  assert.equal(await closeWithin(1, () => stuck), 'forced');
  assert.equal(settled, false, 'closeWithin answered while the close was still pending');
  release();
  await stuck;
});

test('forced when closing fails', async () => {
  assert.equal(await closeWithin(60_000, () => Promise.reject(new Error('redis gone'))), 'forced');
});
