// Proves: when the SMTP server refuses the first two attempts with 451 (try later), the job is retried
// with backoff and the mail arrives exactly once; when it refuses with 550 (permanent), the job fails at
// once with the server's answer as its reason and is not retried.
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

const prefix = testPrefix('retry');
let sink: MailSink;
let app: RunningWorker;
let handles: ReturnType<typeof queueHandles>;

before(async () => {
  sink = await startSink();
  handles = queueHandles(prefix, 5);
  app = await startWorker(workerConfig(prefix, sink));
});
after(async () => {
  await app?.stop();
  await handles?.close();
  await sink?.close();
});

async function control(body: object): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${sink.httpPort}/control`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(res.status, 200);
}

test('two transient rejections, then the mail arrives exactly once', async () => {
  await control({ rejectNext: 2, rejectCode: 451 });
  const payload = { orderId: 7001, orderNumber: 107001, userId: 1, email: 'retry@example.test' };
  const { jobId } = await handles.producer.enqueue('order-shipped', payload);
  await eventually(
    'job completed',
    async () => (await handles.queues.emails.getJob(jobId))?.finishedOn !== undefined,
    20_000,
  );

  const job = await handles.queues.emails.getJob(jobId);
  assert.equal(await job?.getState(), 'completed');
  assert.equal(job?.attemptsMade, 3, 'two failed attempts and the one that sent');
  assert.equal(sink.store.rejected, 2);
  const id = messageIdFor('order-shipped', jobEntityKey('order-shipped', payload), 'test.avelon');
  assert.equal((await countByMessageId(sink)).get(id), 1);
  assert.equal(sink.store.size, 1);
});

test('a permanent rejection fails the job at once, with the reason, without retries', async () => {
  await control({ rejectNext: 1, rejectCode: 550 });
  const before = sink.store.size;
  const { jobId } = await handles.producer.enqueue('order-shipped', {
    orderId: 7002,
    orderNumber: 107002,
    userId: 1,
    email: 'gone@example.test',
  });
  await eventually(
    'job failed',
    async () => (await handles.queues.emails.getJob(jobId))?.finishedOn !== undefined,
    20_000,
  );

  const job = await handles.queues.emails.getJob(jobId);
  assert.equal(await job?.getState(), 'failed');
  assert.equal(job?.attemptsMade, 1);
  assert.match(job?.failedReason ?? '', /550/);
  assert.equal(sink.store.size, before);
});
