// Proves the API→queue hop loses no mail: with the queue Redis stopped, a checkout still answers 201
// and a move to shipped 200, each leaving its job in the outbox (committed with the change); a relay
// pass during the outage keeps the row (attempt counted, error recorded); once the queue Redis is back
// the worker's relay enqueues both, deletes the rows, and each mail reaches the SMTP sink exactly once,
// showing the order number (not the id) and linking by id.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type JobKind, jobEntityKey, jobId } from '@avelon/core';
import type { MailSink } from '../../scripts/mail-sink/sink.ts';
import { messageIdFor } from '../../worker/src/mail/message-id.ts';
import {
  closeDb,
  createBrand,
  createProduct,
  createUser,
  db,
  metricValue,
  startApp,
  type TestApp,
  tokenFor,
} from '../support/api.ts';
import { eventually, stackCtl } from '../support/stack.ts';
import {
  countByMessageId,
  queueHandles,
  type RunningWorker,
  startSink,
  startWorker,
  testPrefix,
  workerConfig,
} from '../support/worker.ts';

const prefix = testPrefix('outbox');
// Short bounds so the outage costs the test little; the relay's own defaults are documented in config.
const fast = { QUEUE_PREFIX: prefix, QUEUE_ENQUEUE_TIMEOUT_MS: '300' };
let sink: MailSink;
let t: TestApp;
let worker: RunningWorker;
let handles: ReturnType<typeof queueHandles>;

before(async () => {
  sink = await startSink();
  handles = queueHandles(prefix);
  t = await startApp(fast);
  worker = await startWorker(
    workerConfig(prefix, sink, {
      ...fast,
      WORKER_OUTBOX_RELAY: 'true',
      WORKER_OUTBOX_INTERVAL_MS: '200',
      WORKER_OUTBOX_BACKOFF_MS: '200',
      WORKER_OUTBOX_BACKOFF_MAX_MS: '1000',
    }),
  );
});
after(async () => {
  // Whatever happened, leave the stack whole for the next test file.
  await stackCtl('redis-queue', 'start').catch(() => {});
  await worker?.stop();
  await t?.close();
  await handles?.close();
  await sink?.close();
  await closeDb();
});

const call = (method: 'POST' | 'PATCH', url: string, token: string, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    ...(payload ? { payload } : {}),
    headers: { authorization: `Bearer ${token}` },
  });

interface OutboxRow {
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  last_error: string | null;
}
const outboxRow = async (id: string) =>
  (await db().query<OutboxRow>('SELECT kind, payload, attempts, last_error FROM outbox WHERE job_id = $1', [id]))
    .rows[0];

test('queue Redis down: the order and the shipped status commit, their mails wait in the outbox and arrive once', async () => {
  const brandId = (await createBrand()).id;
  const product = await createProduct({ brandId, stock: 5 });
  const buyer = await createUser();
  const buyerToken = await tokenFor(t.app, { id: buyer.id, role: 'customer' });
  const adminToken = await tokenFor(t.app, { ...(await createUser('admin')), role: 'admin' });
  assert.equal((await call('POST', '/cart/items', buyerToken, { productId: product.id })).statusCode, 200);
  // A paid order to ship during the outage.
  const { rows } = await db().query<{ id: string; number: string }>(
    "INSERT INTO orders (user_id, subtotal_cents, total_cents, status) VALUES ($1, 100, 100, 'paid') RETURNING id, number",
    [buyer.id],
  );
  const paid = { id: Number(rows[0]?.id), number: Number(rows[0]?.number) };

  // Sessions live in the queue Redis too: during its outage an instance serves only the sessions it has
  // already checked (the buyer's, by the cart call), so the admin checks theirs first.
  const admin = await t.app.inject({
    method: 'GET',
    url: '/api/v1/users/me',
    headers: { authorization: `Bearer ${adminToken}` },
  });
  assert.equal(admin.statusCode, 200, admin.body);

  await stackCtl('redis-queue', 'stop');
  const checkout = await call('POST', '/orders', buyerToken);
  assert.equal(checkout.statusCode, 201, checkout.body);
  const order = checkout.json() as { id: number; number: number };
  const shipped = await call('PATCH', `/admin/orders/${paid.id}`, adminToken, { status: 'shipped' });
  assert.equal(shipped.statusCode, 200, shipped.body);

  const jobs: Array<{ kind: JobKind; payload: Record<string, unknown> }> = [
    {
      kind: 'order-confirmation',
      payload: { orderId: order.id, orderNumber: order.number, userId: buyer.id, email: buyer.email },
    },
    {
      kind: 'order-shipped',
      payload: { orderId: paid.id, orderNumber: paid.number, userId: buyer.id, email: buyer.email },
    },
  ];
  const ids = jobs.map((j) => jobId(j.kind, j.payload as never));
  for (const [i, id] of ids.entries()) {
    const row = await outboxRow(id);
    assert.equal(row?.kind, jobs[i]?.kind, `${id} waits in the outbox`);
    assert.deepEqual(row?.payload, jobs[i]?.payload);
  }
  // The relay tries while Redis is down (after the writer's grace) and keeps the rows, backing off.
  await eventually(
    'a failed relay attempt recorded on both rows',
    async () => {
      const seen = await Promise.all(ids.map(outboxRow));
      return seen.every((r) => r !== undefined && r.attempts >= 1 && r.last_error !== null);
    },
    20_000,
  );

  await stackCtl('redis-queue', 'start');
  const messageIds = jobs.map((j) => messageIdFor(j.kind, jobEntityKey(j.kind, j.payload as never), 'test.avelon'));
  await eventually(
    'both jobs completed and their rows deleted',
    async () => {
      for (const id of ids) {
        if ((await outboxRow(id)) !== undefined) return false;
        if ((await handles.queues.emails.getJob(id))?.finishedOn === undefined) return false;
      }
      return true;
    },
    30_000,
  );
  const counts = await countByMessageId(sink);
  for (const m of messageIds) assert.equal(counts.get(m), 1, `${m} delivered exactly once`);

  const mails = await sink.store.list();
  const confirmation = mails.find((m) => m.messageId === messageIds[0]);
  assert.equal(confirmation?.subject, `Order #${order.number} confirmed`);
  assert.match(confirmation?.text ?? '', new RegExp(`/orders/${order.id}(?!\\d)`));
  assert.equal(mails.find((m) => m.messageId === messageIds[1])?.subject, `Order #${paid.number} has shipped`);

  const metrics = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
  for (const kind of ['order-confirmation', 'order-shipped']) {
    const enqueued = metricValue(metrics, `avelon_outbox_relayed_total{kind="${kind}",outcome="enqueued"}`) ?? 0;
    const retried = metricValue(metrics, `avelon_outbox_relayed_total{kind="${kind}",outcome="retry"}`) ?? 0;
    assert.ok(enqueued >= 1 && retried >= 1, `${kind}: relayed after at least one retry`);
  }
  assert.notEqual(metricValue(metrics, 'avelon_outbox_pending_rows'), undefined);
});
