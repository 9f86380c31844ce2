import type { Db } from '@avelon/core';
import { sql } from 'drizzle-orm';
import { toIso } from '../products/queries.ts';
import type { Order, OrderList } from './schemas.ts';

type Row = Record<string, unknown>;

export const orderColumns = sql`o.id, o.number, o.status, o.subtotal_cents, o.discount_cents, o.total_cents, o.currency,
  o.created_at, o.updated_at`;

export function toOrderFields(row: Row) {
  return {
    id: Number(row.id),
    number: Number(row.number),
    status: row.status as Order['status'],
    subtotalCents: Number(row.subtotal_cents),
    discountCents: Number(row.discount_cents),
    totalCents: Number(row.total_cents),
    currency: String(row.currency),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

type ItemJson = { productId: number; title: string; quantity: number; unitPriceCents: number };

export function withItems(row: Row): Order {
  const items = (row.items as ItemJson[]).map((i) => ({ ...i, lineTotalCents: i.unitPriceCents * i.quantity }));
  return { ...toOrderFields(row), items };
}

export const itemsJson = sql`(SELECT coalesce(json_agg(json_build_object('productId', oi.product_id, 'title', oi.title,
  'quantity', oi.quantity, 'unitPriceCents', oi.unit_price_cents) ORDER BY oi.id), '[]')
  FROM order_items oi WHERE oi.order_id = o.id) AS items`;

/** One order with its items, only if it belongs to the user (someone else's reads as absent). */
export async function getOrder(db: Db, id: number, userId: number | undefined): Promise<Order | undefined> {
  const owner = userId === undefined ? sql`` : sql`AND o.user_id = ${userId}`;
  const result = await db.execute<Row>(
    sql`SELECT ${orderColumns}, ${itemsJson} FROM orders o WHERE o.id = ${id} ${owner}`,
  );
  return result.rows[0] && withItems(result.rows[0]);
}

/** The user's orders, newest first, and their total (one query, total even past the last page). */
export async function listOrders(db: Db, userId: number, limit: number, page: number): Promise<OrderList> {
  const result = await db.execute<Row>(sql`
    SELECT t.total, o.* FROM (SELECT count(*)::int AS total FROM orders WHERE user_id = ${userId}) t
    LEFT JOIN LATERAL (
      SELECT ${orderColumns}, (SELECT count(*)::int FROM order_items oi WHERE oi.order_id = o.id) AS item_count
      FROM orders o WHERE o.user_id = ${userId}
      ORDER BY o.created_at DESC, o.id DESC LIMIT ${limit} OFFSET ${(page - 1) * limit}
    ) o ON true`);
  const rows = result.rows.filter((r) => r.id !== null);
  return {
    data: rows.map((r) => ({ ...toOrderFields(r), itemCount: Number(r.item_count) })),
    meta: { page, limit, total: Number(result.rows[0]?.total ?? 0) },
  };
}
