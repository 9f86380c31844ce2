import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jobEntityKey } from '@avelon/core';
import { PermanentJobError } from './errors.ts';
import { jobHandlers } from './jobs/index.ts';
import { ledgerKey } from './ledger/ledger.ts';
import { MemoryLedger } from './ledger/memory-ledger.ts';
import type { Mailer, OutgoingMail } from './mail/mail.ts';
import { createProcessor, type ProcessableJob } from './processor.ts';

function setup(send: (m: OutgoingMail) => Promise<string> = async (m) => m.messageId) {
  const sent: OutgoingMail[] = [];
  const mailer: Mailer = {
    send: (m) => {
      sent.push(m);
      return send(m);
    },
    close: () => {},
  };
  const ledger = new MemoryLedger(60_000);
  const processor = createProcessor({
    handlers: jobHandlers,
    ledger,
    prefix: 't',
    leaseMs: 1000,
    services: {
      mailer,
      notifications: { insert: async () => 7 },
      messageIdDomain: 'test.local',
      siteUrl: 'http://shop.test',
    },
  });
  const delayed: number[] = [];
  const job = (name: string, data: unknown, id = '1'): ProcessableJob =>
    ({
      id,
      name,
      data,
      moveToDelayed: async (ts: number) => {
        delayed.push(ts);
      },
    }) as unknown as ProcessableJob;
  return { processor, sent, ledger, delayed, job };
}

const order = { orderId: 42, orderNumber: 100042, userId: 7, email: 'buyer@example.test' };

describe('processor', () => {
  // Each case: a payload that must fail at once, and the words its reason must contain.
  const bad: Array<[string, string, unknown, RegExp]> = [
    ['unknown kind', 'no-such-kind', {}, /unknown job kind "no-such-kind"/],
    ['wrong type', 'order-confirmation', { ...order, orderId: 'x' }, /orderId/],
    ['order number missing', 'order-shipped', { orderId: 42, userId: 7, email: 'a@b.test' }, /orderNumber/],
    ['missing field', 'welcome', { userId: 1, name: null }, /email/],
    ['extra field (strict)', 'order-shipped', { ...order, admin: true }, /admin/],
    ['bad OTP code', 'otp-code', { email: 'a@b.test', code: '12', expiresInSeconds: 60 }, /code/],
  ];
  for (const [what, name, data, reason] of bad) {
    test(`fails without retry on ${what}`, async () => {
      const { processor, sent, job } = setup();
      await assert.rejects(processor(job(name, data), 'tok'), (e: Error) => {
        assert.equal(e.name, 'UnrecoverableError');
        assert.match(e.message, reason);
        return true;
      });
      assert.equal(sent.length, 0);
    });
  }

  test('sends the mail once; a re-run of the same job (new token) finds it done', async () => {
    const { processor, sent, job } = setup();
    assert.equal((await processor(job('order-confirmation', order), 'tok-1')).outcome, 'done');
    assert.equal((await processor(job('order-confirmation', order, '2'), 'tok-2')).outcome, 'duplicate');
    assert.equal(sent.length, 1);
    assert.match(sent[0]?.messageId ?? '', /^<order-confirmation\.[0-9a-f]{32}@test\.local>$/);
  });

  test('a permanent SMTP rejection becomes UnrecoverableError and frees the claim', async () => {
    const { processor, ledger, job } = setup(async () => {
      throw new PermanentJobError('SMTP server refused the message: 550 no such user');
    });
    await assert.rejects(processor(job('order-shipped', order), 'tok'), /UnrecoverableError|550/);
    assert.equal(
      await ledger.inspect(ledgerKey('t', 'order-shipped', jobEntityKey('order-shipped', order))),
      undefined,
    );
  });

  test('a transient error is thrown as is (BullMQ retries it with backoff)', async () => {
    const { processor, job } = setup(async () => {
      throw Object.assign(new Error('451 try later'), { responseCode: 451 });
    });
    await assert.rejects(processor(job('order-shipped', order), 'tok'), (e: Error) => e.name === 'Error');
  });

  test('a claim held by another attempt delays the job without using an attempt', async () => {
    const { processor, ledger, delayed, job } = setup();
    await ledger.claim(ledgerKey('t', 'welcome', 'user-1'), 'other', 1000);
    const before = Date.now();
    await assert.rejects(processor(job('welcome', { userId: 1, email: 'a@b.test', name: 'A' }), 'tok'), {
      name: 'DelayedError',
    });
    assert.equal(delayed.length, 1);
    assert.ok((delayed[0] ?? 0) >= before + 500, 'delayed until about when the lease ends');
  });

  test('the in-app notification records the row id as its detail', async () => {
    const { processor, job } = setup();
    const result = await processor(
      job('in-app-notification', { userId: 3, kind: 'promo', title: 'Hi', body: 'x', dedupeKey: 'promo-1' }),
      'tok',
    );
    assert.deepEqual(result, { outcome: 'done', detail: 'notification:7', tookOver: false });
  });
});
