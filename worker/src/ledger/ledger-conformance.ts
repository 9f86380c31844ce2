// The behaviour every IdempotencyLedger must have, as one suite: the memory ledger runs it as a unit
// test (memory-ledger.test.ts), the Redis ledger against the real queue Redis (test/worker/). Leases are
// real time, short, with margins wide enough for a loaded machine.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IdempotencyLedger } from './ledger.ts';

export interface LedgerUnderTest {
  ledger: IdempotencyLedger;
  close(): Promise<void>;
}

const LEASE = 400;

/** Registers the conformance tests for the ledger `make` builds (records expire after `retentionMs`). */
export function ledgerConformance(name: string, make: (retentionMs: number) => Promise<LedgerUnderTest>): void {
  describe(`${name} conformance`, () => {
    let subject: LedgerUnderTest | undefined;
    const ledger = async (retentionMs = 60_000) => {
      await subject?.close();
      subject = await make(retentionMs);
      return subject.ledger;
    };
    const key = () => `conformance:${randomUUID()}`;
    after(() => subject?.close());

    test('the first claim wins and is recorded as sending', async () => {
      const l = await ledger();
      const k = key();
      assert.deepEqual(await l.claim(k, 'a', LEASE), { status: 'claimed', tookOver: false });
      assert.deepEqual(await l.inspect(k), { state: 'sending', tookOver: false });
    });

    test('a second attempt waits while the lease is live, and is told for how long', async () => {
      const l = await ledger();
      const k = key();
      await l.claim(k, 'a', LEASE);
      const r = await l.claim(k, 'b', LEASE);
      assert.equal(r.status, 'busy');
      assert.ok(r.status === 'busy' && r.retryInMs > 0 && r.retryInMs <= LEASE, JSON.stringify(r));
    });

    test('the owner may claim again (a retried call of the same attempt)', async () => {
      const l = await ledger();
      const k = key();
      await l.claim(k, 'a', LEASE);
      assert.deepEqual(await l.claim(k, 'a', LEASE), { status: 'claimed', tookOver: false });
    });

    test('once complete, every claim answers done with the detail', async () => {
      const l = await ledger();
      const k = key();
      await l.claim(k, 'a', LEASE);
      await l.complete(k, 'a', '<m1@x>');
      assert.deepEqual(await l.claim(k, 'b', LEASE), { status: 'done', detail: '<m1@x>' });
      assert.deepEqual(await l.claim(k, 'a', LEASE), { status: 'done', detail: '<m1@x>' });
      assert.deepEqual(await l.inspect(k), { state: 'done', detail: '<m1@x>', tookOver: false });
    });

    test('a released claim can be taken at once, and is not a takeover', async () => {
      const l = await ledger();
      const k = key();
      await l.claim(k, 'a', LEASE);
      await l.release(k, 'a');
      assert.equal(await l.inspect(k), undefined);
      assert.deepEqual(await l.claim(k, 'b', LEASE), { status: 'claimed', tookOver: false });
    });

    test('only the owner can release or renew', async () => {
      const l = await ledger();
      const k = key();
      await l.claim(k, 'a', LEASE);
      await l.release(k, 'b');
      assert.equal(await l.renew(k, 'b', LEASE), false);
      assert.equal((await l.claim(k, 'c', LEASE)).status, 'busy');
    });

    test('an expired lease (its owner died) is taken over, and the record remembers it', async () => {
      const l = await ledger();
      const k = key();
      await l.claim(k, 'a', 100);
      await sleep(200);
      assert.deepEqual(await l.claim(k, 'b', LEASE), { status: 'claimed', tookOver: true });
      await l.release(k, 'b');
      await l.claim(k, 'c', LEASE);
      await l.complete(k, 'c', 'd');
      assert.deepEqual(await l.inspect(k), { state: 'done', detail: 'd', tookOver: true });
    });

    test('renewing keeps a slow owner from being overtaken', async () => {
      const l = await ledger();
      const k = key();
      await l.claim(k, 'a', 300);
      await sleep(150);
      assert.equal(await l.renew(k, 'a', 600), true);
      await sleep(300);
      assert.equal((await l.claim(k, 'b', LEASE)).status, 'busy');
    });

    test('keys are independent', async () => {
      const l = await ledger();
      const [k1, k2] = [key(), key()];
      await l.claim(k1, 'a', LEASE);
      await l.complete(k1, 'a', 'x');
      assert.deepEqual(await l.claim(k2, 'b', LEASE), { status: 'claimed', tookOver: false });
    });

    test('records expire after the retention', async () => {
      const l = await ledger(200);
      const k = key();
      await l.claim(k, 'a', LEASE);
      await l.complete(k, 'a', 'x');
      await sleep(400);
      assert.deepEqual(await l.claim(k, 'b', LEASE), { status: 'claimed', tookOver: false });
    });
  });
}
