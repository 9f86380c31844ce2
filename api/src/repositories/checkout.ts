import { addToOutbox, type Db, MAX_ORDER_TOTAL_CENTS, type OutboxEntry, schema, type Tx } from '@avelon/core';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { PG_UNIQUE_VIOLATION, pgError } from '../db/pg-errors.ts';
import { ApiError } from '../errors.ts';
import type { Order } from '../routes/orders/schemas.ts';
import { cartOf } from './carts.ts';
import { getOrder, type OrderItemJson, orderColumns, toOrder } from './orders.ts';
import type { Runner } from './runner.ts';

const { cartItems, carts, orders } = schema;

/** A cart line whose stock was taken, as the take statement returns it (JSON: numbers are numbers). */
export type Taken = {
  id: number;
  title: string;
  currency: string;
  quantity: number;
  unit_price: number;
};

/** The take statement's one row. */
export type TakeRow = {
  /** The order an earlier checkout with this Idempotency-Key made (int8 arrives as text). */
  existing_id: string | null;
  /** The products of the cart's lines. */
  wanted: number[];
  /** The lines whose stock was taken. */
  taken: Taken[];
};

export interface CheckoutResult {
  order: Order;
  /** True when the Idempotency-Key named an earlier checkout: nothing new was done. */
  replayed: boolean;
  /**
   * The confirmation mail's outbox row, committed with the order; the caller enqueues it after the
   * commit (the relay does if that fails). Undefined on replays: the first checkout wrote it.
   */
  confirmation: OutboxEntry<'order-confirmation'> | undefined;
  /** Products whose stock changed (their cached details are invalidated). */
  productIds: number[];
}

// Deadlocks (two carts locking the same products in another order) and serialization failures are
// retried: the transaction is all-or-nothing, so a retry is safe.
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Checks out the user's cart in one transaction on the primary: the stock of every line is taken with
 * a conditional UPDATE (stock >= quantity), so concurrent checkouts can never oversell (the row lock
 * serializes them, and each re-checks the condition on the latest row). If any line cannot be taken the
 * transaction rolls back and nothing is taken. The user's cart row is locked first, so a double-submitted
 * checkout finds the cart already consumed (409) or, with the same key, the first order. Then the order
 * and its items are written and the cart emptied, in one more statement, and the confirmation mail is put
 * in the outbox in a third, so the order and its mail commit together. An Idempotency-Key makes a retried
 * checkout return the first order.
 */
export async function checkout(primary: Db, userId: number, key: string | undefined): Promise<CheckoutResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await primary.transaction((tx) => checkoutOnce(tx, userId, key));
    } catch (error) {
      const pg = pgError(error);
      if (pg?.code === PG_UNIQUE_VIOLATION && key) {
        // A concurrent request with the same key won: answer with its order.
        const order = await findByKey(primary, userId, key);
        if (order) return { order, replayed: true, confirmation: undefined, productIds: [] };
      }
      if (pg && RETRYABLE.has(pg.code) && attempt < 3) continue;
      throw error;
    }
  }
}

/** The lock on the user's cart row that queues concurrent checkouts of one cart. */
export function lockCartQuery(tx: Runner, userId: number) {
  return tx.select({ id: carts.id }).from(carts).where(eq(carts.userId, userId)).for('update');
}

/**
 * Takes the stock of every cart line that has enough, unless the key names an earlier order. Raw: a
 * side-effecting CTE (UPDATE ... FROM ... RETURNING) read back as JSON in the same statement.
 */
export function takeStockSql(userId: number, key: string | undefined) {
  return sql`
    WITH existing AS (
      SELECT id FROM orders WHERE user_id = ${userId} AND idempotency_key = ${key ?? null}
    ), items AS (
      SELECT ci.product_id, ci.quantity FROM carts c JOIN cart_items ci ON ci.cart_id = c.id
      WHERE c.user_id = ${userId} AND NOT EXISTS (SELECT 1 FROM existing)
    ), taken AS (
      UPDATE products p SET stock = p.stock - i.quantity, updated_at = now()
      FROM items i
      WHERE p.id = i.product_id AND p.is_available AND p.stock >= i.quantity
      RETURNING p.id, p.title, p.currency, i.quantity, round(p.price_cents::bigint * (100 - p.discount_percent) / 100.0)::bigint AS unit_price
    )
    SELECT (SELECT id FROM existing) AS existing_id,
           (SELECT coalesce(json_agg(product_id), '[]') FROM items) AS wanted,
           (SELECT coalesce(json_agg(t ORDER BY t.id), '[]') FROM taken t) AS taken`;
}

/** What the take statement decided: a replay, an error to throw, or the lines to order. */
export type TakeOutcome =
  | { kind: 'replay'; orderId: number }
  | { kind: 'empty' }
  | { kind: 'short'; productIds: number[] }
  | { kind: 'too-large' }
  | { kind: 'take'; taken: Taken[]; subtotal: number };

export function takeOutcome(row: TakeRow | undefined): TakeOutcome {
  if (row?.existing_id !== null && row?.existing_id !== undefined)
    return { kind: 'replay', orderId: Number(row.existing_id) };
  const wanted = row?.wanted ?? [];
  const taken = row?.taken ?? [];
  if (wanted.length === 0) return { kind: 'empty' };
  if (taken.length < wanted.length) {
    return { kind: 'short', productIds: wanted.filter((id) => !taken.some((t) => t.id === id)) };
  }
  // Exact in a JavaScript number: each line is at most 99 × MAX_PRICE_CENTS, the total is bounded below.
  const subtotal = taken.reduce((sum, t) => sum + t.unit_price * t.quantity, 0);
  return subtotal > MAX_ORDER_TOTAL_CENTS ? { kind: 'too-large' } : { kind: 'take', taken, subtotal };
}

/**
 * Writes the order and its items and empties the cart, in one statement of three side-effecting CTEs,
 * and reads back the order with its user's email and its items.
 */
export function createOrderQuery(
  tx: Runner,
  userId: number,
  key: string | undefined,
  taken: Taken[],
  subtotal: number,
) {
  const items = taken.map((t) => ({
    productId: t.id,
    title: t.title,
    quantity: t.quantity,
    unitPriceCents: t.unit_price,
  }));
  const o = tx.$with('o').as(
    tx
      .insert(orders)
      .values({
        userId,
        subtotalCents: subtotal,
        discountCents: 0,
        totalCents: subtotal,
        currency: taken[0]?.currency ?? 'USD',
        idempotencyKey: key ?? null,
      })
      .returning(orderColumns),
  );
  // Raw: drizzle's INSERT ... SELECT lists every column (the identity one too); the lines come from
  // the taken JSON.
  const oi = tx.$with('oi', {}).as(sql`
    INSERT INTO order_items (order_id, product_id, title, quantity, unit_price_cents)
    SELECT o.id, x.id, x.title, x.quantity, x.unit_price
    FROM o, json_to_recordset(${JSON.stringify(taken)}::json) AS x(id bigint, title text, quantity int, unit_price bigint)`);
  const cleared = tx.$with('cleared').as(tx.delete(cartItems).where(inArray(cartItems.cartId, cartOf(tx, userId))));
  return tx
    .with(o, oi, cleared)
    .select({
      ...o._.selectedFields,
      email: sql<string>`(SELECT email FROM users WHERE id = ${userId})`,
      items: sql<OrderItemJson[]>`${JSON.stringify(items)}::json`,
    })
    .from(o);
}

async function checkoutOnce(tx: Tx, userId: number, key: string | undefined): Promise<CheckoutResult> {
  // Concurrent checkouts of one cart queue here. This lock is its own statement because under READ
  // COMMITTED each statement reads a fresh snapshot: the one below then sees what the winner committed
  // (its order, the emptied cart), so a cart is consumed exactly once, with or without an Idempotency-Key.
  await lockCartQuery(tx, userId);
  const take = await tx.execute<TakeRow>(takeStockSql(userId, key));
  const outcome = takeOutcome(take.rows[0]);
  if (outcome.kind === 'replay') {
    const order = await getOrder(tx, outcome.orderId, userId);
    if (order) return { order, replayed: true, confirmation: undefined, productIds: [] };
    throw new ApiError('API_ERR_CART_EMPTY');
  }
  if (outcome.kind === 'empty') throw new ApiError('API_ERR_CART_EMPTY');
  // Throwing rolls the transaction back: the stock taken for the other lines is returned.
  if (outcome.kind === 'short') {
    throw new ApiError('API_ERR_OUT_OF_STOCK', undefined, { details: { productIds: outcome.productIds } });
  }
  if (outcome.kind === 'too-large') {
    throw new ApiError('API_ERR_UNPROCESSABLE', 'The order total is above the largest the platform accepts.', {
      details: { maxTotalCents: MAX_ORDER_TOTAL_CENTS },
    });
  }
  const [row] = await createOrderQuery(tx, userId, key, outcome.taken, outcome.subtotal);
  if (!row) throw new Error('order insert returned no row');
  const order = toOrder(row);
  const confirmation = await addToOutbox(tx, 'order-confirmation', {
    orderId: order.id,
    orderNumber: order.number,
    userId,
    email: row.email,
  });
  return { order, replayed: false, confirmation, productIds: outcome.taken.map((t) => t.id) };
}

async function findByKey(db: Runner, userId: number, key: string): Promise<Order | undefined> {
  const [row] = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.userId, userId), eq(orders.idempotencyKey, key)));
  return row && getOrder(db, row.id, userId);
}
