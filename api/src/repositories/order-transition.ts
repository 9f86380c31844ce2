import { addToOutbox, type Db, type OutboxEntry, schema, type Tx } from '@avelon/core';
import { eq, sql } from 'drizzle-orm';
import { pgError } from '../db/pg-errors.ts';
import { ApiError, notFound } from '../errors.ts';
import { allowedFrom, type Order, type OrderStatus } from '../routes/orders/schemas.ts';
import { getOrder } from './orders.ts';
import type { Runner } from './runner.ts';

const { orderItems, orders, products, users } = schema;

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
      return await primary.transaction((tx) => transitionOnce(tx, id, next));
    } catch (error) {
      const pg = pgError(error);
      if (pg && RETRYABLE.has(pg.code) && attempt < 3) continue;
      throw error;
    }
  }
}

/** The order's status, owner and owner's email, with the order's row locked (not the user's). */
export function lockOrderQuery(tx: Runner, id: number) {
  return tx
    .select({ status: orders.status, userId: orders.userId, email: users.email })
    .from(orders)
    .innerJoin(users, eq(users.id, orders.userId))
    .where(eq(orders.id, id))
    .for('update', { of: orders });
}

async function transitionOnce(tx: Tx, id: number, next: OrderStatus): Promise<TransitionResult> {
  const [current] = await lockOrderQuery(tx, id);
  if (!current) throw notFound('Order');
  const previous = current.status;
  const moves = previous !== next;
  if (moves && !allowedFrom[next].includes(previous)) {
    throw new ApiError('API_ERR_INVALID_TRANSITION', `An order that is ${previous} cannot become ${next}.`);
  }
  let restocked: number[] = [];
  if (moves) {
    await tx.update(orders).set({ status: next, updatedAt: sql`now()` }).where(eq(orders.id, id));
    if (next === 'cancelled' && holdsStock.has(previous)) restocked = await putBackStock(tx, id);
  }
  const order = await getOrder(tx, id, undefined);
  if (!order) throw notFound('Order');
  // Only the move into shipped announces it: setting shipped again (a retry) adds no mail.
  const mail =
    moves && next === 'shipped'
      ? await addToOutbox(tx, 'order-shipped', {
          orderId: id,
          orderNumber: order.number,
          userId: current.userId,
          email: current.email,
        })
      : undefined;
  return { order, userId: current.userId, mail, restocked };
}

/**
 * Adds each line's quantity back to its product (lines of one product summed, so a product is updated
 * once). Relative, so it cannot overwrite a concurrent checkout or adjustment of the same product.
 */
export function putBackStockQuery(tx: Runner, orderId: number) {
  const lines = tx
    .select({ productId: orderItems.productId, quantity: sql<number>`sum(${orderItems.quantity})::int`.as('quantity') })
    .from(orderItems)
    .where(eq(orderItems.orderId, orderId))
    .groupBy(orderItems.productId)
    .as('l');
  return tx
    .update(products)
    .set({ stock: sql`${products.stock} + ${lines.quantity}`, updatedAt: sql`now()` })
    .from(lines)
    .where(eq(products.id, lines.productId))
    .returning({ id: products.id });
}

async function putBackStock(tx: Tx, orderId: number): Promise<number[]> {
  return (await putBackStockQuery(tx, orderId)).map((r) => r.id);
}
