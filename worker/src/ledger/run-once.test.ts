import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClaimHeldError } from '../errors.ts';
import { MemoryLedger } from './memory-ledger.ts';
import { runOnce } from './run-once.ts';

const opts = (ledger: MemoryLedger, token: string) => ({ ledger, key: 'k', token, leaseMs: 1000 });

test('runs the effect once and records its detail; a second run is a duplicate', async () => {
  const ledger = new MemoryLedger(60_000);
  let calls = 0;
  const effect = async () => `m${++calls}`;
  assert.deepEqual(await runOnce(opts(ledger, 'a'), effect), { outcome: 'done', detail: 'm1', tookOver: false });
  assert.deepEqual(await runOnce(opts(ledger, 'b'), effect), { outcome: 'duplicate', detail: 'm1' });
  assert.equal(calls, 1);
});

test('a failed effect releases the claim, so the retry runs at once', async () => {
  const ledger = new MemoryLedger(60_000);
  await assert.rejects(
    runOnce(opts(ledger, 'a'), async () => {
      throw new Error('451 try later');
    }),
    /451/,
  );
  assert.equal(await ledger.inspect('k'), undefined);
  assert.equal((await runOnce(opts(ledger, 'b'), async () => 'ok')).outcome, 'done');
});

test('a claim held by a live attempt throws ClaimHeldError and does not run the effect', async () => {
  const ledger = new MemoryLedger(60_000);
  await ledger.claim('k', 'a', 1000);
  let ran = false;
  const error = await runOnce(opts(ledger, 'b'), async () => {
    ran = true;
    return 'x';
  }).catch((e: unknown) => e);
  assert.ok(error instanceof ClaimHeldError);
  assert.ok(error.retryInMs > 0 && error.retryInMs <= 1000);
  assert.equal(ran, false);
});

test('the lease is renewed while a slow effect runs', async () => {
  const ledger = new MemoryLedger(60_000);
  const slow = runOnce({ ledger, key: 'k', token: 'a', leaseMs: 90 }, async () => {
    await new Promise((r) => setTimeout(r, 250));
    return 'slow';
  });
  await new Promise((r) => setTimeout(r, 180));
  // Past the first lease: without renewal another attempt could take over here.
  assert.equal((await ledger.claim('k', 'b', 90)).status, 'busy');
  assert.equal((await slow).outcome, 'done');
});
