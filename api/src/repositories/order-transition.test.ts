import { describe, it } from 'node:test';
import { lockOrderQuery, putBackStockQuery } from './order-transition.ts';
import { checkSql, sqlOnlyDb as db, type SqlCase } from './sql-only-db.ts';

describe('order transition SQL', () => {
  const cases: SqlCase[] = [
    // Only the order's row is locked (not its user's): concurrent moves of one order run one after another.
    {
      name: 'order lock',
      query: () => lockOrderQuery(db, 7),
      has: [
        'from "orders" inner join "users" on "users"."id" = "orders"."user_id" where "orders"."id" = $1 for update of "orders"',
      ],
      params: [7],
    },
    // Relative and once per product: lines of one product summed, added to the current stock.
    {
      name: 'put back stock',
      query: () => putBackStockQuery(db, 7),
      has: [
        'update "products" set "stock" = "products"."stock" + "quantity", "updated_at" = now()',
        'from (select "product_id", sum("quantity")::int as "quantity" from "order_items" where "order_items"."order_id" = $1 group by "order_items"."product_id") "l"',
        'where "products"."id" = "l"."product_id" returning "products"."id"',
      ],
      params: [7],
    },
  ];
  for (const c of cases) it(c.name, () => checkSql(c));
});
