import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgEnum,
  pgSequence,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { MAX_ORDER_TOTAL_CENTS } from '../money.ts';
import { products } from './catalogue.ts';
import { addresses, users } from './users.ts';

export const orderStatus = pgEnum('order_status', ['pending', 'paid', 'shipped', 'delivered', 'cancelled']);

/** Order numbers come from a sequence, so two checkouts can never get the same one. */
export const orderNumberSeq = pgSequence('order_number_seq', { startWith: 100000 });

export const discountCodes = pgTable(
  'discount_codes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    code: text('code').notNull(),
    percent: smallint('percent').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('discount_codes_percent_range', sql`${t.percent} BETWEEN 1 AND 100`),
    check('discount_codes_uses_bound', sql`${t.maxUses} IS NULL OR ${t.uses} <= ${t.maxUses}`),
    // POST /orders with a code: WHERE upper(code) = upper($1)
    uniqueIndex('discount_codes_code_uq').on(sql`upper(${t.code})`),
  ],
);

export const orders = pgTable(
  'orders',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    number: bigint('number', { mode: 'number' }).notNull().default(sql`nextval('order_number_seq')`),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    addressId: bigint('address_id', { mode: 'number' }).references(() => addresses.id),
    discountCodeId: bigint('discount_code_id', { mode: 'number' }).references(() => discountCodes.id),
    status: orderStatus('status').notNull().default('pending'),
    /** Sums in minor units, fixed at checkout so later price changes do not rewrite history. */
    /** 64 bits: 99 units of the largest price already pass 2^31 (money.ts). */
    subtotalCents: bigint('subtotal_cents', { mode: 'number' }).notNull(),
    discountCents: bigint('discount_cents', { mode: 'number' }).notNull().default(0),
    totalCents: bigint('total_cents', { mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('USD'),
    /** The client's Idempotency-Key: a retried checkout finds the order the first attempt made. */
    idempotencyKey: text('idempotency_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'orders_totals_consistent',
      sql`${t.totalCents} = ${t.subtotalCents} - ${t.discountCents} AND ${t.totalCents} BETWEEN 0 AND ${sql.raw(String(MAX_ORDER_TOTAL_CENTS))}`,
    ),
    // Customer support looks orders up by number: WHERE number = $1
    uniqueIndex('orders_number_uq').on(t.number),
    // POST /orders with Idempotency-Key: WHERE user_id = $1 AND idempotency_key = $2
    uniqueIndex('orders_user_idempotency_uq').on(t.userId, t.idempotencyKey),
    // GET /orders: WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $n
    index('orders_user_created_idx').on(t.userId, t.createdAt.desc(), t.id.desc()),
    // Admin order queue: WHERE status = 'paid' ORDER BY created_at (partial: most orders end delivered)
    index('orders_open_status_idx').on(t.status, t.createdAt).where(sql`${t.status} IN ('pending', 'paid')`),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint('order_id', { mode: 'number' })
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    productId: bigint('product_id', { mode: 'number' })
      .notNull()
      .references(() => products.id),
    title: text('title').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
  },
  (t) => [
    check('order_items_quantity_positive', sql`${t.quantity} > 0`),
    check('order_items_price_nonnegative', sql`${t.unitPriceCents} >= 0`),
    // GET /orders/:id: WHERE order_id = $1
    index('order_items_order_idx').on(t.orderId),
    // Deleting a product checks it was never ordered: WHERE product_id = $1 LIMIT 1
    index('order_items_product_idx').on(t.productId),
  ],
);
