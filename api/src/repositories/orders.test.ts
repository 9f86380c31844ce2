import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getOrderQuery, listOrdersQuery, type OrderRow, toOrder } from './orders.ts';
import { checkSql, sqlOnlyDb as db, type SqlCase } from './sql-only-db.ts';

const row: OrderRow = {
  id: 11,
  number: 100042,
  status: 'pending',
  subtotalCents: 2500,
  discountCents: 0,
  totalCents: 2500,
  currency: 'USD',
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  updatedAt: new Date('2026-01-02T03:04:05.678Z'),
  items: [],
};

describe('toOrder', () => {
  const item = { productId: 4, title: 'P4', quantity: 2, unitPriceCents: 1250 };
  const cases: Array<{ name: string; row: OrderRow; expected: ReturnType<typeof toOrder> }> = [
    // Fields in the response schema's order, timestamps as ISO strings.
    {
      name: 'order without items',
      row,
      expected: { ...row, createdAt: '2026-01-02T03:04:05.678Z', updatedAt: '2026-01-02T03:04:05.678Z', items: [] },
    },
    // Each item gets its line total (unit price at checkout × quantity).
    {
      name: 'order with an item',
      row: { ...row, status: 'shipped', items: [item] },
      expected: {
        ...row,
        status: 'shipped',
        createdAt: '2026-01-02T03:04:05.678Z',
        updatedAt: '2026-01-02T03:04:05.678Z',
        items: [{ ...item, lineTotalCents: 2500 }],
      },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(toOrder(c.row), c.expected));
});

describe('order SQL', () => {
  const cases: SqlCase[] = [
    // A user's read: someone else's order reads as absent. Items come from a subquery correlated by table name.
    {
      name: 'one order of a user',
      query: () => getOrderQuery(db, 3, 1),
      has: [
        'from "order_items" where "order_items"."order_id" = "orders"."id")',
        'where ("orders"."id" = $1 and "orders"."user_id" = $2)',
      ],
      params: [3, 1],
    },
    // The admin's read (after a status change): any owner.
    {
      name: 'one order, any owner',
      query: () => getOrderQuery(db, 3, undefined),
      has: ['from "orders" where "orders"."id" = $1'],
      params: [3],
    },
    // One query: the count joined LATERAL to the page, so the total comes even past the last page.
    {
      name: 'a page of a user’s orders',
      query: () => listOrdersQuery(db, 1, 20, 3),
      has: [
        'from (select count(*)::int as "total" from "orders" where "orders"."user_id" = $1) "t" left join lateral (',
        'order by "orders"."created_at" desc, "orders"."id" desc limit $3 offset $4) "o" on true',
        '(select count(*)::int from "order_items" where "order_items"."order_id" = "orders"."id") as "item_count"',
      ],
      params: [1, 1, 20, 40],
    },
  ];
  for (const c of cases) it(c.name, () => checkSql(c));
});
