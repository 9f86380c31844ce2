// Proves: the same order confirmation enqueued twice (a retried request) sends one mail, both while the
// first job is still queued (same BullMQ job id) and after it completed and was removed (the ledger).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { jobEntityKey } from '@avelon/core';
import type { MailSink } from '../../scripts/mail-sink/sink.ts';
import { messageIdFor } from '../../worker/src/mail/message-id.ts';
import { eventually } from '../support/stack.ts';
import {
  countByMessageId,
  queueHandles,
  type RunningWorker,
  startSink,
  startWorker,
  testPrefix,
  workerConfig,
} from '../support/worker.ts';

const prefix = testPrefix('dup');
let sink: MailSink;
let app: RunningWorker | undefined;
let handles: ReturnType<typeof queueHandles>;
const payload = { orderId: 9100, orderNumber: 109100, userId: 5, email: 'twice@example.test' };
const messageId = messageIdFor('order-confirmation', jobEntityKey('order-confirmation', payload), 'test.avelon');

before(async () => {
  sink = await startSink();
  handles = queueHandles(prefix);
});
after(async () => {
  await app?.stop();
  await handles?.close();
  await sink?.close();
});

test('enqueued twice before any worker runs: one job, one mail', async () => {
  const a = await handles.producer.enqueue('order-confirmation', payload);
  const b = await handles.producer.enqueue('order-confirmation', payload);
  assert.equal(a.jobId, b.jobId);
  assert.equal(await handles.queues.emails.count(), 1);

  app = await startWorker(workerConfig(prefix, sink));
  await eventually('mail sent', async () => sink.store.size >= 1);
  assert.equal((await countByMessageId(sink)).get(messageId), 1);
});

test('enqueued again after the first job completed and was removed: the ledger sends nothing', async () => {
  const { jobId } = await handles.producer.enqueue('order-confirmation', payload);
  // Still stored as completed, so BullMQ itself ignored the add; remove it to test the ledger alone.
  await handles.queues.emails.remove(jobId);
  await handles.producer.enqueue('order-confirmation', payload);
  await eventually(
    'second job completed',
    async () => (await handles.queues.emails.getJob(jobId))?.finishedOn !== undefined,
  );
  const job = await handles.queues.emails.getJob(jobId);
  assert.equal(job?.returnvalue?.outcome, 'duplicate');
  assert.equal(job?.returnvalue?.detail, messageId);
  assert.equal((await countByMessageId(sink)).get(messageId), 1);
  assert.equal(sink.store.size, 1);
});
