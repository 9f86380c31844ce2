import { addToOutbox, type Db, type OutboxEntry } from '@avelon/core';
import { sql } from 'drizzle-orm';
import { pgError } from '../../db/pg-errors.ts';
import { ApiError, notFound } from '../../errors.ts';
import { itemsJson, orderColumns, withItems } from './queries.ts';
import { allowedFrom, type Order, type OrderStatus } from './schemas.ts';

type Row = Record<string, unknown>;

/**
 * The statuses whose order still holds the stock checkout took from the shelf: cancelling from one of
 * them puts each line's quantity back. (A shipped or delivered order cannot be cancelled: its goods left.)
 */
export const holdsStock: ReadonlySet<OrderStatus> = new Set(['pending', 'paid']);

export interface TransitionResult {
  order: Order;
  userId: number;
  /** The shipped mail's outbox row, only on the actual move to `shipped`; the caller enqueues it after commit. */
  mail: OutboxEntry<'order-shipped'> | undefined;
  /** Products whose stock the cancel put back (their cached details are invalidated). */
  restocked: number[];
}

// Two cancels putting back stock of the same products in another order, or a cancel meeting a
// checkout, can deadlock; the transaction is all-or-nothing, so a retry is safe.
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Moves an order to `next` in one transaction on the primary. The order's row is locked first, so
 * concurrent moves of one order (8 cancels, cancel against ship) run one after the other and each sees
 * the status the previous one committed: only the one that actually leaves a stock-holding status for
 * `cancelled` puts the stock back, in the same transaction, so it is returned exactly once and never
 * without the status change. Setting the status the order already has changes nothing (a harmless
 * retry); a move its lifecycle does not allow is a 409.
 */
export async function transitionOrder(primary: Db, id: number, next: OrderStatus): Promise<TransitionResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await primary.transaction((tx) => transitionOnce(tx as unknown as Db, id, next));
    } catch (error) {
      const pg = pgError(error);
      if (pg && RETRYABLE.has(pg.code) && attempt < 3) continue;
      throw error;
    }
  }
}

async function transitionOnce(tx: Db, id: number, next: OrderStatus): Promise<TransitionResult> {
  const locked = await tx.execute<Row>(
    sql`SELECT o.status, o.user_id, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = ${id} FOR UPDATE OF o`,
  );
  const current = locked.rows[0];
  if (!current) throw notFound('Order');
  const previous = current.status as OrderStatus;
  const moves = previous !== next;
  if (moves && !allowedFrom[next].includes(previous)) {
    throw new ApiError('API_ERR_INVALID_TRANSITION', `An order that is ${previous} cannot become ${next}.`);
  }
  let restocked: number[] = [];
  if (moves) {
    await tx.execute(sql`UPDATE orders SET status = ${next}, updated_at = now() WHERE id = ${id}`);
    if (next === 'cancelled' && holdsStock.has(previous)) restocked = await putBackStock(tx, id);
  }
  const result = await tx.execute<Row>(sql`SELECT ${orderColumns}, ${itemsJson} FROM orders o WHERE o.id = ${id}`);
  const row = result.rows[0];
  if (!row) throw notFound('Order');
  // Only the move into shipped announces it: setting shipped again (a retry) adds no mail.
  const mail =
    moves && next === 'shipped'
      ? await addToOutbox(tx, 'order-shipped', {
          orderId: id,
          orderNumber: Number(row.number),
          userId: Number(current.user_id),
          email: String(current.email),
        })
      : undefined;
  return { order: withItems(row), userId: Number(current.user_id), mail, restocked };
}

/**
 * Adds each line's quantity back to its product (lines of one product summed, so a product is updated
 * once). Relative, so it cannot overwrite a concurrent checkout or adjustment of the same product.
 */
async function putBackStock(tx: Db, orderId: number): Promise<number[]> {
  const result = await tx.execute<Row>(sql`
    UPDATE products p SET stock = p.stock + l.quantity, updated_at = now()
    FROM (SELECT product_id, sum(quantity)::int AS quantity FROM order_items WHERE order_id = ${orderId} GROUP BY product_id) l
    WHERE p.id = l.product_id
    RETURNING p.id`);
  return result.rows.map((r) => Number(r.id));
}
