import { sql } from 'drizzle-orm';
import { bigint, check, index, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { orders } from './orders.ts';
import { users } from './users.ts';

export const paymentStatus = pgEnum('payment_status', ['pending', 'succeeded', 'failed', 'refunded']);

export const payments = pgTable(
  'payments',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint('order_id', { mode: 'number' })
      .notNull()
      .references(() => orders.id),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    /** 64 bits, like the order totals it pays. */
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('USD'),
    status: paymentStatus('status').notNull().default('pending'),
    provider: text('provider').notNull(),
    /** The payment provider's id for this charge: a replayed webhook must not record it twice. */
    providerRef: text('provider_ref').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('payments_amount_nonnegative', sql`${t.amountCents} >= 0`),
    // GET /orders/:id shows its payments: WHERE order_id = $1
    index('payments_order_idx').on(t.orderId),
    // Provider webhook: WHERE provider = $1 AND provider_ref = $2
    uniqueIndex('payments_provider_ref_uq').on(t.provider, t.providerRef),
  ],
);
