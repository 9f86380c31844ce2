import type { Db } from '@avelon/core';
import { sql } from 'drizzle-orm';
import type { Cart } from './schemas.ts';

type Row = Record<string, unknown>;

/**
 * The user's cart with current prices (one query; an absent cart is an empty one). The discounted price is
 * computed in 64 bits: price × (100 − discount) passes 2^31 from about $214,748 (see MAX_PRICE_CENTS).
 */
export async function getCart(db: Db, userId: number): Promise<Cart> {
  const result = await db.execute<Row>(sql`
    SELECT ci.product_id, ci.quantity, p.slug, p.title, p.images[1] AS image, p.currency, p.is_available, p.stock,
           round(p.price_cents::bigint * (100 - p.discount_percent) / 100.0)::bigint AS unit_price
    FROM carts c JOIN cart_items ci ON ci.cart_id = c.id JOIN products p ON p.id = ci.product_id
    WHERE c.user_id = ${userId}
    ORDER BY ci.added_at, ci.product_id`);
  const items = result.rows.map((r) => {
    const quantity = Number(r.quantity);
    const unit = Number(r.unit_price);
    return {
      productId: Number(r.product_id),
      slug: String(r.slug),
      title: String(r.title),
      image: (r.image as string | null) ?? null,
      quantity,
      unitPriceCents: unit,
      lineTotalCents: unit * quantity,
      isAvailable: Boolean(r.is_available),
      inStock: Number(r.stock) >= quantity,
    };
  });
  return {
    items,
    itemCount: items.reduce((n, i) => n + i.quantity, 0),
    totalCents: items.reduce((n, i) => n + i.lineTotalCents, 0),
    currency: String(result.rows[0]?.currency ?? 'USD'),
  };
}

/**
 * Adds to the line of a product (creating cart and line as needed); false when the product cannot be
 * sold, and then nothing is written: the cart is only created or touched for a product that can be added.
 */
export async function addItem(db: Db, userId: number, productId: number, quantity: number): Promise<boolean> {
  const result = await db.execute(sql`
    WITH product AS (
      SELECT id FROM products WHERE id = ${productId} AND is_available
    ), cart AS (
      INSERT INTO carts (user_id) SELECT ${userId} FROM product
      ON CONFLICT (user_id) DO UPDATE SET updated_at = now()
      RETURNING id
    )
    INSERT INTO cart_items (cart_id, product_id, quantity)
    SELECT cart.id, product.id, ${quantity} FROM cart, product
    ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = least(cart_items.quantity + excluded.quantity, 99)
    RETURNING quantity`);
  return (result.rowCount ?? 0) > 0;
}

/** Sets a line's quantity; false when the product is not in the cart. */
export async function setQuantity(db: Db, userId: number, productId: number, quantity: number): Promise<boolean> {
  const result = await db.execute(sql`
    UPDATE cart_items ci SET quantity = ${quantity}
    FROM carts c WHERE c.id = ci.cart_id AND c.user_id = ${userId} AND ci.product_id = ${productId}`);
  return (result.rowCount ?? 0) > 0;
}

/** Removes a line; false when the product is not in the cart. */
export async function removeItem(db: Db, userId: number, productId: number): Promise<boolean> {
  const result = await db.execute(sql`
    DELETE FROM cart_items ci USING carts c
    WHERE c.id = ci.cart_id AND c.user_id = ${userId} AND ci.product_id = ${productId}`);
  return (result.rowCount ?? 0) > 0;
}
