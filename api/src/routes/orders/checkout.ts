import { addToOutbox, type Db, MAX_ORDER_TOTAL_CENTS, type OutboxEntry } from '@avelon/core';
import { sql } from 'drizzle-orm';
import { PG_UNIQUE_VIOLATION, pgError } from '../../db/pg-errors.ts';
import { ApiError } from '../../errors.ts';
import { getOrder, orderColumns, withItems } from './queries.ts';
import type { Order } from './schemas.ts';

type Row = Record<string, unknown>;
interface Taken {
  id: number;
  title: string;
  currency: string;
  quantity: number;
  unit_price: number;
}

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
 * checkout finds the cart already consumed (409) or, with the same key, the first order. Then the order and its items are written and the cart
 * emptied, in one more statement, and the confirmation mail is put in the outbox in a third, so the
 * order and its mail commit together. An Idempotency-Key makes a retried checkout return the first order.
 */
export async function checkout(primary: Db, userId: number, key: string | undefined): Promise<CheckoutResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await primary.transaction((tx) => checkoutOnce(tx as unknown as Db, userId, key));
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

async function checkoutOnce(tx: Db, userId: number, key: string | undefined): Promise<CheckoutResult> {
  // Concurrent checkouts of one cart queue here. This lock is its own statement because under READ
  // COMMITTED each statement reads a fresh snapshot: the one below then sees what the winner committed
  // (its order, the emptied cart), so a cart is consumed exactly once, with or without an Idempotency-Key.
  await tx.execute(sql`SELECT 1 FROM carts WHERE user_id = ${userId} FOR UPDATE`);
  const take = await tx.execute<Row>(sql`
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
           (SELECT coalesce(json_agg(t ORDER BY t.id), '[]') FROM taken t) AS taken`);
  const row = take.rows[0] ?? {};
  if (row.existing_id !== null && row.existing_id !== undefined) {
    const order = await getOrder(tx, Number(row.existing_id), userId);
    if (order) return { order, replayed: true, confirmation: undefined, productIds: [] };
  }
  const wanted = (row.wanted as number[]).map(Number);
  const taken = row.taken as Taken[];
  if (wanted.length === 0) throw new ApiError('API_ERR_CART_EMPTY');
  if (taken.length < wanted.length) {
    const short = wanted.filter((id) => !taken.some((t) => Number(t.id) === id));
    // Throwing rolls the transaction back: the stock taken for the other lines is returned.
    throw new ApiError('API_ERR_OUT_OF_STOCK', undefined, { details: { productIds: short } });
  }
  // Exact in a JavaScript number: each line is at most 99 × MAX_PRICE_CENTS, the total is bounded below.
  const subtotal = taken.reduce((sum, t) => sum + Number(t.unit_price) * t.quantity, 0);
  if (subtotal > MAX_ORDER_TOTAL_CENTS) {
    throw new ApiError('API_ERR_UNPROCESSABLE', 'The order total is above the largest the platform accepts.', {
      details: { maxTotalCents: MAX_ORDER_TOTAL_CENTS },
    });
  }
  const created = await tx.execute<Row>(sql`
    WITH o AS (
      INSERT INTO orders (user_id, subtotal_cents, discount_cents, total_cents, currency, idempotency_key)
      VALUES (${userId}, ${subtotal}, 0, ${subtotal}, ${taken[0]?.currency ?? 'USD'}, ${key ?? null})
      RETURNING *
    ), oi AS (
      INSERT INTO order_items (order_id, product_id, title, quantity, unit_price_cents)
      SELECT o.id, x.id, x.title, x.quantity, x.unit_price
      FROM o, json_to_recordset(${JSON.stringify(taken)}::json) AS x(id bigint, title text, quantity int, unit_price bigint)
    ), cleared AS (
      DELETE FROM cart_items ci USING carts c WHERE c.id = ci.cart_id AND c.user_id = ${userId}
    )
    SELECT ${orderColumns}, (SELECT email FROM users WHERE id = ${userId}) AS email,
           ${JSON.stringify(taken.map((t) => ({ productId: Number(t.id), title: t.title, quantity: t.quantity, unitPriceCents: t.unit_price })))}::json AS items
    FROM o`);
  const orderRow = created.rows[0];
  if (!orderRow) throw new Error('order insert returned no row');
  const order = withItems(orderRow);
  const confirmation = await addToOutbox(tx, 'order-confirmation', {
    orderId: order.id,
    orderNumber: order.number,
    userId,
    email: String(orderRow.email),
  });
  return { order, replayed: false, confirmation, productIds: taken.map((t) => Number(t.id)) };
}

async function findByKey(db: Db, userId: number, key: string): Promise<Order | undefined> {
  const result = await db.execute<Row>(
    sql`SELECT id FROM orders WHERE user_id = ${userId} AND idempotency_key = ${key}`,
  );
  const id = result.rows[0]?.id;
  return id === undefined ? undefined : getOrder(db, Number(id), userId);
}
