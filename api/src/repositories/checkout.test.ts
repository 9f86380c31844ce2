import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_ORDER_TOTAL_CENTS } from '@avelon/core';
import {
  createOrderQuery,
  lockCartQuery,
  type Taken,
  type TakeOutcome,
  type TakeRow,
  takeOutcome,
} from './checkout.ts';
import { checkSql, sqlOnlyDb as db, type SqlCase } from './sql-only-db.ts';

const taken = (id: number, quantity: number, unit_price: number): Taken => ({
  id,
  title: `P${id}`,
  currency: 'USD',
  quantity,
  unit_price,
});

describe('takeOutcome', () => {
  const cases: Array<{ name: string; row: TakeRow | undefined; expected: TakeOutcome }> = [
    // The Idempotency-Key named an earlier order (int8 arrives as text): replay it.
    { name: 'replay', row: { existing_id: '42', wanted: [], taken: [] }, expected: { kind: 'replay', orderId: 42 } },
    // No cart or no lines.
    { name: 'empty cart', row: { existing_id: null, wanted: [], taken: [] }, expected: { kind: 'empty' } },
    { name: 'no row', row: undefined, expected: { kind: 'empty' } },
    // A line without enough stock: the products short, in the cart's order.
    {
      name: 'short of stock',
      row: { existing_id: null, wanted: [3, 1, 2], taken: [taken(1, 1, 100)] },
      expected: { kind: 'short', productIds: [3, 2] },
    },
    // Every line taken: the subtotal is the sum of unit price × quantity.
    {
      name: 'every line taken',
      row: { existing_id: null, wanted: [1, 2], taken: [taken(1, 2, 100), taken(2, 1, 50)] },
      expected: { kind: 'take', taken: [taken(1, 2, 100), taken(2, 1, 50)], subtotal: 250 },
    },
    // Above the platform's largest order total.
    {
      name: 'total too large',
      row: { existing_id: null, wanted: [1], taken: [taken(1, 99, MAX_ORDER_TOTAL_CENTS)] },
      expected: { kind: 'too-large' },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(takeOutcome(c.row), c.expected));
});

describe('checkout SQL', () => {
  const cases: SqlCase[] = [
    // Concurrent checkouts of one cart queue on its row lock.
    {
      name: 'cart lock',
      query: () => lockCartQuery(db, 1),
      has: ['select "id" from "carts" where "carts"."user_id" = $1 for update'],
      params: [1],
    },
    // Order, items and the emptied cart in one statement; the lines are the taken ones (JSON).
    {
      name: 'order, items, cleared cart',
      query: () => createOrderQuery(db, 1, 'key-12345', [taken(4, 2, 5)], 10),
      has: [
        'with "o" as (insert into "orders"',
        '"oi" as (\n    INSERT INTO order_items (order_id, product_id, title, quantity, unit_price_cents)',
        '"cleared" as (delete from "cart_items" where "cart_items"."cart_id" in (select "id" from "carts" where "carts"."user_id" = $8))',
        'from "o"',
      ],
      params: [
        1,
        10,
        0,
        10,
        'USD',
        'key-12345',
        JSON.stringify([taken(4, 2, 5)]),
        1,
        1,
        JSON.stringify([{ productId: 4, title: 'P4', quantity: 2, unitPriceCents: 5 }]),
      ],
    },
  ];
  for (const c of cases) it(c.name, () => checkSql(c));
});
