import { schema } from '@avelon/core';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Cart } from '../routes/cart/schemas.ts';
import type { Runner } from './runner.ts';

const { cartItems, carts, products } = schema;

/**
 * The current unit price after discount, computed in 64 bits: price × (100 − discount) passes 2^31 from
 * about $214,748 (see MAX_PRICE_CENTS). Exact in a JavaScript number (at most 10^8).
 */
export const discountedPrice =
  sql<number>`round(${products.priceCents}::bigint * (100 - ${products.discountPercent}) / 100.0)::bigint`.mapWith(
    Number,
  );

/** The lines of the user's cart with current prices, oldest first (one query). */
export function cartLinesQuery(db: Runner, userId: number) {
  return db
    .select({
      productId: cartItems.productId,
      quantity: cartItems.quantity,
      slug: products.slug,
      title: products.title,
      image: sql<string | null>`${products.images}[1]`,
      currency: products.currency,
      isAvailable: products.isAvailable,
      stock: products.stock,
      unitPrice: discountedPrice,
    })
    .from(carts)
    .innerJoin(cartItems, eq(cartItems.cartId, carts.id))
    .innerJoin(products, eq(products.id, cartItems.productId))
    .where(eq(carts.userId, userId))
    .orderBy(asc(cartItems.addedAt), asc(cartItems.productId));
}
export type CartLine = Awaited<ReturnType<typeof cartLinesQuery>>[number];

/** The cart of these lines; no lines is an empty cart. */
export function toCart(lines: readonly CartLine[]): Cart {
  const items = lines.map((l) => ({
    productId: l.productId,
    slug: l.slug,
    title: l.title,
    image: l.image,
    quantity: l.quantity,
    unitPriceCents: l.unitPrice,
    lineTotalCents: l.unitPrice * l.quantity,
    isAvailable: l.isAvailable,
    inStock: l.stock >= l.quantity,
  }));
  return {
    items,
    itemCount: items.reduce((n, i) => n + i.quantity, 0),
    totalCents: items.reduce((n, i) => n + i.lineTotalCents, 0),
    currency: lines[0]?.currency ?? 'USD',
  };
}

/** The user's cart with current prices (one query; an absent cart is an empty one). */
export async function getCart(db: Runner, userId: number): Promise<Cart> {
  return toCart(await cartLinesQuery(db, userId));
}

/**
 * Adds to the line of a product (creating cart and line as needed); false when the product cannot be
 * sold, and then nothing is written: the cart is only created or touched for a product that can be added.
 */
export async function addItem(db: Runner, userId: number, productId: number, quantity: number): Promise<boolean> {
  // Raw: the cart's upsert is a side-effecting CTE feeding an INSERT ... SELECT ... ON CONFLICT,
  // which the builder cannot express (its INSERT ... SELECT lists every column).
  const result = await db.execute<{ quantity: number }>(sql`
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
  return result.rows.length > 0;
}

/** Sets a line's quantity, only in the user's own cart. */
export function setQuantityQuery(db: Runner, userId: number, productId: number, quantity: number) {
  return db
    .update(cartItems)
    .set({ quantity })
    .from(carts)
    .where(and(eq(carts.id, cartItems.cartId), eq(carts.userId, userId), eq(cartItems.productId, productId)))
    .returning({ productId: cartItems.productId });
}

/** Sets a line's quantity; false when the product is not in the cart. */
export async function setQuantity(db: Runner, userId: number, productId: number, quantity: number): Promise<boolean> {
  return (await setQuantityQuery(db, userId, productId, quantity)).length > 0;
}

/** The user's cart, as a subquery (one cart per user: the unique index on user_id). */
export const cartOf = (db: Runner, userId: number) =>
  db.select({ id: carts.id }).from(carts).where(eq(carts.userId, userId));

/** Removes a line; false when the product is not in the cart. */
export function removeItemQuery(db: Runner, userId: number, productId: number) {
  return db
    .delete(cartItems)
    .where(and(inArray(cartItems.cartId, cartOf(db, userId)), eq(cartItems.productId, productId)))
    .returning({ productId: cartItems.productId });
}

export async function removeItem(db: Runner, userId: number, productId: number): Promise<boolean> {
  return (await removeItemQuery(db, userId, productId)).length > 0;
}
