// Proves: a job whose payload fails its schema (or whose kind is unknown) fails on its first attempt
// with the reason, is not retried although it has attempts left, and keeps its failed state; the
// producer refuses such a payload before it reaches Redis.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvalidJobPayloadError } from '@avelon/core';
import type { MailSink } from '../../scripts/mail-sink/sink.ts';
import { eventually } from '../support/stack.ts';
import {
  queueHandles,
  type RunningWorker,
  startSink,
  startWorker,
  testPrefix,
  workerConfig,
} from '../support/worker.ts';

const prefix = testPrefix('bad');
let sink: MailSink;
let app: RunningWorker;
let handles: ReturnType<typeof queueHandles>;

before(async () => {
  sink = await startSink();
  handles = queueHandles(prefix);
  app = await startWorker(workerConfig(prefix, sink));
});
after(async () => {
  await app?.stop();
  await handles?.close();
  await sink?.close();
});

// Each case: what an old or buggy producer put on the queue directly, and the reason it must fail with.
const cases: Array<[string, string, object, RegExp]> = [
  [
    'a string where an id belongs',
    'order-confirmation',
    { orderId: 'abc', orderNumber: 100001, userId: 1, email: 'a@b.test' },
    /orderId/,
  ],
  ['a missing address', 'payment-success', { paymentId: 1, orderId: 1, orderNumber: 100001, userId: 1 }, /email/],
  [
    'no order number (a producer from before it)',
    'order-shipped',
    { orderId: 1, userId: 1, email: 'a@b.test' },
    /orderNumber/,
  ],
  ['an unknown kind', 'refund-issued', { orderId: 1 }, /unknown job kind "refund-issued"/],
];

for (const [what, kind, data, reason] of cases) {
  test(`${what}: failed at once with its reason, no retry`, async () => {
    const job = await handles.queues.emails.add(kind, data, { attempts: 5, backoff: { type: 'fixed', delay: 50 } });
    await eventually(
      'job failed',
      async () => (await handles.queues.emails.getJob(job.id ?? ''))?.finishedOn !== undefined,
    );
    const failed = await handles.queues.emails.getJob(job.id ?? '');
    assert.equal(await failed?.getState(), 'failed');
    assert.equal(failed?.attemptsMade, 1);
    assert.match(failed?.failedReason ?? '', reason);
    assert.equal(sink.store.size, 0);
  });
}

test('the producer refuses a bad payload before it reaches Redis', async () => {
  const before = await handles.queues.emails.count();
  await assert.rejects(
    handles.producer.enqueue('order-confirmation', { orderId: 0, orderNumber: 0, userId: 1, email: 'x' }),
    InvalidJobPayloadError,
  );
  assert.equal(await handles.queues.emails.count(), before);
});
