import { schema } from '@avelon/core';
import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import type { Order, OrderList, OrderStatus } from '../routes/orders/schemas.ts';
import type { Runner } from './runner.ts';

const { orderItems, orders } = schema;

/** An order's own fields, as every order query selects them. */
export const orderColumns = {
  id: orders.id,
  number: orders.number,
  status: orders.status,
  subtotalCents: orders.subtotalCents,
  discountCents: orders.discountCents,
  totalCents: orders.totalCents,
  currency: orders.currency,
  createdAt: orders.createdAt,
  updatedAt: orders.updatedAt,
};

export type OrderItemJson = { productId: number; title: string; quantity: number; unitPriceCents: number };

// Correlated subqueries built with the builder: columns in a single-table select's raw `sql` fields
// lose their table name, which in a subquery would bind them to the wrong table.
const qb = new QueryBuilder();
const items = qb
  .select({
    items: sql`coalesce(json_agg(json_build_object('productId', ${orderItems.productId}, 'title', ${orderItems.title},
      'quantity', ${orderItems.quantity}, 'unitPriceCents', ${orderItems.unitPriceCents}) ORDER BY ${orderItems.id}), '[]')`,
  })
  .from(orderItems)
  .where(eq(orderItems.orderId, orders.id));
const itemCount = qb.select({ n: sql`count(*)::int` }).from(orderItems).where(eq(orderItems.orderId, orders.id));

/** The order's items as one JSON array (a correlated subquery on `orders`), in the order they were added. */
export const itemsJson = sql<OrderItemJson[]>`${items}`;

export interface OrderFieldsRow {
  id: number;
  number: number;
  status: OrderStatus;
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  currency: string;
  createdAt: Date;
  updatedAt: Date;
}
export type OrderRow = OrderFieldsRow & { items: OrderItemJson[] };

export function toOrderFields(row: OrderFieldsRow) {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    subtotalCents: row.subtotalCents,
    discountCents: row.discountCents,
    totalCents: row.totalCents,
    currency: row.currency,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toOrder(row: OrderRow): Order {
  const items = row.items.map((i) => ({ ...i, lineTotalCents: i.unitPriceCents * i.quantity }));
  return { ...toOrderFields(row), items };
}

/** One order with its items; with a user id, only if it is that user's. */
export function getOrderQuery(db: Runner, id: number, userId: number | undefined) {
  const owner: SQL | undefined = userId === undefined ? undefined : eq(orders.userId, userId);
  return db
    .select({ ...orderColumns, items: itemsJson })
    .from(orders)
    .where(and(eq(orders.id, id), owner));
}

/** One order with its items, only if it belongs to the user (someone else's reads as absent). */
export async function getOrder(db: Runner, id: number, userId: number | undefined): Promise<Order | undefined> {
  const [row] = await getOrderQuery(db, id, userId);
  return row && toOrder(row);
}

/** The user's order count joined (LATERAL) to one page of their orders: one query, total even past the last page. */
export function listOrdersQuery(db: Runner, userId: number, limit: number, page: number) {
  const counted = db
    .select({ total: sql<number>`count(*)::int`.as('total') })
    .from(orders)
    .where(eq(orders.userId, userId))
    .as('t');
  const pageRows = db
    .select({
      ...orderColumns,
      itemCount: sql<number>`${itemCount}`.as('item_count'),
    })
    .from(orders)
    .where(eq(orders.userId, userId))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit)
    .offset((page - 1) * limit)
    .as('o');
  const { total } = counted;
  const o = pageRows;
  return db
    .select({
      total,
      order: {
        id: o.id,
        number: o.number,
        status: o.status,
        subtotalCents: o.subtotalCents,
        discountCents: o.discountCents,
        totalCents: o.totalCents,
        currency: o.currency,
        createdAt: o.createdAt,
        updatedAt: o.updatedAt,
        itemCount: o.itemCount,
      },
    })
    .from(counted)
    .leftJoinLateral(pageRows, sql`true`);
}

/** The user's orders, newest first, and their total. */
export async function listOrders(db: Runner, userId: number, limit: number, page: number): Promise<OrderList> {
  const rows = await listOrdersQuery(db, userId, limit, page);
  const data: OrderList['data'] = [];
  for (const { order } of rows) if (order) data.push({ ...toOrderFields(order), itemCount: order.itemCount });
  return { data, meta: { page, limit, total: rows[0]?.total ?? 0 } };
}
