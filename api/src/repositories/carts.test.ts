import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CartLine, cartLinesQuery, removeItemQuery, setQuantityQuery, toCart } from './carts.ts';
import { checkSql, sqlOnlyDb as db, type SqlCase } from './sql-only-db.ts';

const line: CartLine = {
  productId: 4,
  quantity: 2,
  slug: 'p4',
  title: 'P4',
  image: null,
  currency: 'EUR',
  isAvailable: true,
  stock: 2,
  unitPrice: 1250,
};

describe('toCart', () => {
  const cases: Array<{
    name: string;
    lines: CartLine[];
    expected: Partial<ReturnType<typeof toCart>>;
    inStock?: boolean[];
  }> = [
    // No lines (or no cart): an empty cart in the default currency.
    { name: 'empty', lines: [], expected: { items: [], itemCount: 0, totalCents: 0, currency: 'USD' } },
    // Line totals from the current unit price; the currency is the lines'.
    { name: 'one line', lines: [line], expected: { itemCount: 2, totalCents: 2500, currency: 'EUR' }, inStock: [true] },
    // Stock below the quantity shows as not in stock (checked again at checkout).
    {
      name: 'short of stock',
      lines: [line, { ...line, productId: 5, quantity: 3, stock: 2, unitPrice: 100 }],
      expected: { itemCount: 5, totalCents: 2800 },
      inStock: [true, false],
    },
    // Prices near the platform maximum stay exact (64-bit in SQL, exact in a JS number).
    {
      name: 'largest price and quantity',
      lines: [{ ...line, quantity: 99, stock: 99, unitPrice: 100_000_000 }],
      expected: { totalCents: 9_900_000_000 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cart = toCart(c.lines);
      for (const [key, value] of Object.entries(c.expected))
        assert.deepEqual(cart[key as keyof typeof cart], value, key);
      if (c.inStock)
        assert.deepEqual(
          cart.items.map((i) => i.inStock),
          c.inStock,
        );
      for (const i of cart.items) assert.equal(i.lineTotalCents, i.unitPriceCents * i.quantity);
    });
  }
});

describe('cart SQL', () => {
  const cases: SqlCase[] = [
    // One query, scoped by the user, price after discount in 64 bits, lines in the order they were added.
    {
      name: 'cart lines',
      query: () => cartLinesQuery(db, 1),
      has: [
        'round("products"."price_cents"::bigint * (100 - "products"."discount_percent") / 100.0)::bigint',
        'from "carts" inner join "cart_items" on "cart_items"."cart_id" = "carts"."id" inner join "products"',
        'where "carts"."user_id" = $1 order by "cart_items"."added_at" asc, "cart_items"."product_id" asc',
      ],
      params: [1],
    },
    // A line is only reachable through the user's own cart.
    {
      name: 'set quantity',
      query: () => setQuantityQuery(db, 1, 2, 3),
      has: [
        'update "cart_items" set "quantity" = $1 from "carts" where ("carts"."id" = "cart_items"."cart_id" and "carts"."user_id" = $2 and "cart_items"."product_id" = $3)',
      ],
      params: [3, 1, 2],
    },
    {
      name: 'remove item',
      query: () => removeItemQuery(db, 1, 2),
      has: [
        'delete from "cart_items" where ("cart_items"."cart_id" in (select "id" from "carts" where "carts"."user_id" = $1) and "cart_items"."product_id" = $2)',
      ],
      params: [1, 2],
    },
  ];
  for (const c of cases) it(c.name, () => checkSql(c));
});
