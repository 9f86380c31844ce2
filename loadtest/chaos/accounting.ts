// What was lost, counted Jepsen-style against what the load generator knows it did: every checkout
// answered 201 must be exactly one order in the database with the items it was answered with; an order
// the client was refused (a clean 4xx/5xx) must not exist; no order may be partial; the stock of the
// run's products plus the units sold must equal what they started with, never below zero; and every
// mail the run caused (sign-in codes, order confirmations) must reach the SMTP sink exactly once.
import { setTimeout as sleep } from 'node:timers/promises';
import { queueNames, queueWorkerConnection } from '@avelon/core';
import { Queue } from 'bullmq';
import type pg from 'pg';
import type { MailSink } from '../../scripts/mail-sink/sink.ts';
import { ledgerKey } from '../../worker/src/ledger/ledger.ts';
import { RedisLedger } from '../../worker/src/ledger/redis-ledger.ts';
import { messageIdFor } from '../../worker/src/mail/message-id.ts';
import type { LoadResult } from './load.ts';
import type { ShopFixture } from './shop.ts';

export interface OrderAccount {
  /** Checkouts answered 201. */
  acknowledged: number;
  /** Orders of the run's shoppers in the database. */
  inDatabase: number;
  /** Answered 201 but not in the database. */
  lost: number;
  /** Answered 201 with other items than the database has. */
  mismatched: number;
  /** More than one order for one checkout attempt (Idempotency-Key), or one no attempt explains. */
  duplicated: number;
  /** In the database although the client was refused for good (a 4xx, or a 5xx other than 503). */
  refusedButCommitted: number;
  /**
   * In the database, but the client got no answer (timeout, reset) or a 503 "retry": the connection died
   * during COMMIT, so the API could not know. Allowed: a retry with the same Idempotency-Key returns this
   * order (200), and never makes a second one.
   */
  committedUnanswered: number;
  /** Orders without items, or whose total is not the sum of their lines. */
  partial: number;
}

export interface StockAccount {
  products: number;
  unitsSold: number;
  /** Products whose stock + sold units differ from the stock they started with. */
  notConserved: number;
  /** Products below zero. */
  negative: number;
}

export interface MailAccount {
  /** Mails the run caused: one per sign-in code and one per order in the database. */
  expected: number;
  delivered: number;
  missing: number;
  /** Message-IDs that arrived more than once. */
  duplicated: number;
  /** Of the duplicates, those whose ledger record says a dead attempt's claim was taken over (the documented window). */
  duplicatedInWindow: number;
  /** Jobs of the run's queues that failed for good. */
  failedJobs: number;
  /** Outbox rows of the run's orders still waiting for the relay. */
  outboxPending: number;
  /** How long after the load the last expected mail arrived (ms); the drain's bound when some never did. */
  drainMs: number;
}

export interface Accounting {
  orders: OrderAccount;
  stock: StockAccount;
  mails: MailAccount;
}

interface DbOrder {
  id: string;
  idempotency_key: string | null;
  total_cents: string;
  items: Array<{ productId: number; quantity: number; unit: number }>;
}

async function accountOrders(db: pg.Pool, load: LoadResult, shop: ShopFixture) {
  const { rows } = await db.query<DbOrder>(
    `SELECT o.id, o.idempotency_key, o.total_cents,
            coalesce(json_agg(json_build_object('productId', oi.product_id, 'quantity', oi.quantity,
                                                'unit', oi.unit_price_cents) ORDER BY oi.product_id)
                     FILTER (WHERE oi.id IS NOT NULL), '[]') AS items
     FROM orders o LEFT JOIN order_items oi ON oi.order_id = o.id
     WHERE o.user_id = ANY($1::bigint[]) GROUP BY o.id`,
    [shop.shoppers.map((s) => s.userId)],
  );
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const byKey = new Map<string, DbOrder[]>();
  for (const r of rows) byKey.set(r.idempotency_key ?? '', [...(byKey.get(r.idempotency_key ?? '') ?? []), r]);
  const attempts = new Map(load.checkouts.map((c) => [c.key, c]));
  const account: OrderAccount = {
    acknowledged: 0,
    inDatabase: rows.length,
    lost: 0,
    mismatched: 0,
    duplicated: 0,
    refusedButCommitted: 0,
    committedUnanswered: 0,
    partial: 0,
  };
  const lines = (items: Array<{ productId: number; quantity: number }>) =>
    items
      .map((i) => `${i.productId}x${i.quantity}`)
      .sort()
      .join(',');
  for (const c of load.checkouts) {
    const found = byKey.get(c.key) ?? [];
    if (c.order) {
      account.acknowledged++;
      const row = byId.get(c.order.id);
      if (!row) account.lost++;
      else if (lines(row.items) !== lines(c.order.items) || Number(row.total_cents) !== c.order.totalCents) {
        account.mismatched++;
      }
    } else if (found.length > 0) {
      if (c.status === 0 || c.status === 503) account.committedUnanswered++;
      else account.refusedButCommitted++;
    }
  }
  for (const [key, orders] of byKey) {
    if (!attempts.has(key)) account.duplicated += orders.length;
    else if (orders.length > 1) account.duplicated += orders.length - 1;
  }
  for (const r of rows) {
    const sum = r.items.reduce((s, i) => s + i.quantity * i.unit, 0);
    if (r.items.length === 0 || sum !== Number(r.total_cents)) account.partial++;
  }
  return { account, orderIds: rows.map((r) => Number(r.id)) };
}

async function accountStock(db: pg.Pool, shop: ShopFixture): Promise<StockAccount> {
  const ids = shop.products.map((p) => p.id);
  const { rows } = await db.query<{ id: string; stock: number; sold: string }>(
    `SELECT p.id, p.stock, coalesce((SELECT sum(oi.quantity) FROM order_items oi WHERE oi.product_id = p.id), 0) AS sold
     FROM products p WHERE p.id = ANY($1::bigint[])`,
    [ids],
  );
  const initial = new Map(shop.products.map((p) => [p.id, p.initialStock]));
  return {
    products: rows.length,
    unitsSold: rows.reduce((s, r) => s + Number(r.sold), 0),
    notConserved: rows.filter((r) => r.stock + Number(r.sold) !== initial.get(Number(r.id))).length,
    negative: rows.filter((r) => r.stock < 0).length,
  };
}

/** Waits (up to `drainMs`) for every expected mail, then counts what arrived and what the queues hold. */
async function accountMails(
  db: pg.Pool,
  o: { sink: MailSink; queueRedisUrl: string; prefix: string; mailDomain: string; drainMs: number },
  orderIds: number[],
  shop: ShopFixture,
): Promise<MailAccount> {
  const expected = new Map<string, { kind: string; entity: string }>();
  for (const id of orderIds) {
    const entity = `order-${id}`;
    expected.set(messageIdFor('order-confirmation', entity, o.mailDomain), { kind: 'order-confirmation', entity });
  }
  for (const s of shop.shoppers) {
    expected.set(messageIdFor('otp-code', s.otpEntityKey, o.mailDomain), { kind: 'otp-code', entity: s.otpEntityKey });
  }
  const started = Date.now();
  let counts = new Map<string, number>();
  let drainMs = o.drainMs;
  for (;;) {
    counts = new Map();
    for (const m of await o.sink.store.list()) counts.set(m.messageId ?? '', (counts.get(m.messageId ?? '') ?? 0) + 1);
    const missing = [...expected.keys()].filter((id) => !counts.has(id)).length;
    if (missing === 0) {
      drainMs = Date.now() - started;
      // A duplicate of a job that was in flight when its worker died can arrive after the original.
      await sleep(1000);
      counts = new Map();
      for (const m of await o.sink.store.list())
        counts.set(m.messageId ?? '', (counts.get(m.messageId ?? '') ?? 0) + 1);
      break;
    }
    if (Date.now() - started > o.drainMs) break;
    await sleep(500);
  }

  const redis = queueWorkerConnection(o.queueRedisUrl, 'chaos-accounting');
  redis.on('error', () => {});
  const queue = new Queue(queueNames.emails, { connection: redis, prefix: o.prefix });
  try {
    const duplicates = [...expected].filter(([id]) => (counts.get(id) ?? 0) > 1);
    const ledger = new RedisLedger(redis, 60_000);
    let inWindow = 0;
    for (const [, { kind, entity }] of duplicates) {
      if ((await ledger.inspect(ledgerKey(o.prefix, kind, entity)))?.tookOver) inWindow++;
    }
    const jobCounts = await queue.getJobCounts('failed');
    const pending = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM outbox WHERE kind = 'order-confirmation' AND (payload->>'orderId')::bigint = ANY($1::bigint[])`,
      [orderIds],
    );
    return {
      expected: expected.size,
      delivered: [...expected.keys()].filter((id) => counts.has(id)).length,
      missing: [...expected.keys()].filter((id) => !counts.has(id)).length,
      duplicated: duplicates.length,
      duplicatedInWindow: inWindow,
      failedJobs: jobCounts.failed ?? 0,
      outboxPending: Number(pending.rows[0]?.n ?? 0),
      drainMs,
    };
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/** Counts orders, stock and mails of the run (waiting up to `drainMs` for the mails). */
export async function account(
  db: pg.Pool,
  load: LoadResult,
  shop: ShopFixture,
  o: { sink: MailSink; queueRedisUrl: string; prefix: string; mailDomain: string; drainMs: number },
): Promise<Accounting> {
  const { account: orders, orderIds } = await accountOrders(db, load, shop);
  const stock = await accountStock(db, shop);
  const mails = await accountMails(db, o, orderIds, shop);
  return { orders, stock, mails };
}
