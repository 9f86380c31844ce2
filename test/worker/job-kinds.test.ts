// Proves: every job kind ends as the right mail at a real SMTP server (the sink), with its own
// Message-ID, text and HTML; the in-app notification ends as one row in the notifications table, and a
// second job for the same notification (after the first was removed) writes no second row; /metrics
// exposes the queue metrics of core's catalog.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { type JobKind, type JobPayload, jobEntityKey, schema } from '@avelon/core';
import { eq } from 'drizzle-orm';
import type { MailSink } from '../../scripts/mail-sink/sink.ts';
import { messageIdFor } from '../../worker/src/mail/message-id.ts';
import { testRouter } from '../support/router.ts';
import { eventually } from '../support/stack.ts';
import {
  queueHandles,
  type RunningWorker,
  startSink,
  startWorker,
  testPrefix,
  waitForCount,
  workerConfig,
} from '../support/worker.ts';

const prefix = testPrefix('kinds');
const { router } = testRouter({ DATABASE_REPLICA_URLS: '' });
let sink: MailSink;
let app: RunningWorker;
let handles: ReturnType<typeof queueHandles>;

before(async () => {
  sink = await startSink();
  handles = queueHandles(prefix);
  app = await startWorker(workerConfig(prefix, sink), 'warn');
});
after(async () => {
  await app?.stop();
  await handles?.close();
  await sink?.close();
  await router.close();
});

const email = 'buyer@example.test';
// Each case: a job, and what its mail's subject and text must say.
const mails: Array<{ [K in JobKind]: { kind: K; payload: JobPayload<K>; subject: RegExp; text: RegExp } }[JobKind]> = [
  { kind: 'otp-code', payload: { email, code: '482913', expiresInSeconds: 300 }, subject: /482913/, text: /5 minutes/ },
  {
    kind: 'welcome',
    payload: { userId: 11, email, name: 'Ada' },
    subject: /Welcome to Avelon, Ada/,
    text: /shop\.test/,
  },
  {
    kind: 'order-confirmation',
    payload: { orderId: 501, orderNumber: 150501, userId: 11, email },
    subject: /Order #150501 confirmed/,
    text: /#150501[\s\S]*http:\/\/shop\.test\/orders\/501(?!\d)/,
  },
  {
    kind: 'order-shipped',
    payload: { orderId: 501, orderNumber: 150501, userId: 11, email },
    subject: /#150501 has shipped/,
    text: /#150501 is on its way/,
  },
  {
    kind: 'payment-success',
    payload: { paymentId: 77, orderId: 501, orderNumber: 150501, userId: 11, email },
    subject: /Payment received for order #150501/,
    text: /reference 77/,
  },
];

test('each mail job ends as its mail at the SMTP server', async () => {
  for (const m of mails) await handles.producer.enqueue(m.kind, m.payload as never);
  await waitForCount('mails at the sink', async () => sink.store.size, mails.length);
  const received = await sink.store.list();
  assert.equal(received.length, mails.length);
  for (const m of mails) {
    const id = messageIdFor(m.kind, jobEntityKey(m.kind, m.payload as never), 'test.avelon');
    const mail = received.find((r) => r.messageId === id);
    assert.ok(mail, `no mail for ${m.kind} (${id})`);
    assert.deepEqual(mail.envelope.to, [email]);
    assert.match(mail.subject, m.subject);
    assert.match(mail.text, m.text);
    assert.match(mail.html ?? '', /<!doctype html>/i);
    assert.match(mail.from, /no-reply@avelon\.local/);
  }
});

test('the in-app notification writes one row, and a later duplicate job writes none', async () => {
  const [user] = await router.primary
    .insert(schema.users)
    .values({ email: `n-${randomUUID()}@example.test` })
    .returning({ id: schema.users.id });
  assert.ok(user);
  const payload = {
    userId: user.id,
    kind: 'order',
    title: 'Your order shipped',
    body: 'It is on its way.',
    dedupeKey: 'o-9',
  };
  const rows = () => router.primary.select().from(schema.notifications).where(eq(schema.notifications.userId, user.id));

  const first = await handles.producer.enqueue('in-app-notification', payload);
  await eventually(
    'the notification job completed',
    async () => (await handles.queues.notifications.getJob(first.jobId))?.finishedOn !== undefined,
  );
  assert.deepEqual(
    (await rows()).map((r) => [r.kind, r.title, r.body, r.isRead]),
    [['order', 'Your order shipped', 'It is on its way.', false]],
  );

  // The BullMQ job is gone (as after removeOnComplete): only the ledger can stop a second row now.
  await handles.queues.notifications.remove(first.jobId);
  await handles.producer.enqueue('in-app-notification', payload);
  await eventually('the duplicate completed', async () => {
    const job = await handles.queues.notifications.getJob(first.jobId);
    return job?.returnvalue?.outcome === 'duplicate';
  });
  assert.equal((await rows()).length, 1);
});

test('/metrics exposes the queue metrics by their catalog names', async () => {
  const text = await (await fetch(`http://127.0.0.1:${app.port}/metrics`)).text();
  assert.match(text, /avelon_queue_jobs_completed_total\{queue="emails",kind="order-confirmation",outcome="done"\} 1/);
  assert.match(text, /avelon_queue_jobs\{queue="emails",state="waiting"\} 0/);
  assert.match(text, /avelon_queue_oldest_waiting_seconds\{queue="notifications"\} 0/);
  assert.match(text, /avelon_queue_wait_seconds_count\{queue="emails",kind="welcome"\} 1/);
  assert.match(text, /avelon_queue_job_duration_seconds_count\{queue="notifications",kind="in-app-notification"\} 2/);
});
