import type { Db } from '@avelon/core';
import { type SQL, sql } from 'drizzle-orm';
import { pgArray } from '../../db/pg-errors.ts';
import { updateSets } from '../../db/update-sets.ts';
import { ApiError } from '../../errors.ts';
import { MAX_STOCK, type ProductCreate, type ProductUpdate } from './schemas.ts';

type Row = Record<string, unknown>;

// Body field → column: the only columns an admin request can write (no mass assignment).
const columns: Record<Exclude<keyof ProductCreate, 'categoryIds'>, string> = {
  slug: 'slug',
  title: 'title',
  description: 'description',
  brandId: 'brand_id',
  priceCents: 'price_cents',
  currency: 'currency',
  discountPercent: 'discount_percent',
  stock: 'stock',
  isAvailable: 'is_available',
  isFeatured: 'is_featured',
  images: 'images',
};

function value(field: string, v: unknown): SQL {
  return field === 'images' ? sql`${pgArray(v as string[])}::text[]` : sql`${v}`;
}

/** Inserts a product and its categories in one statement; returns its id. */
export async function createProduct(db: Db, body: ProductCreate): Promise<number> {
  const fields = Object.keys(columns).filter((f) => body[f as keyof ProductCreate] !== undefined) as Array<
    keyof typeof columns
  >;
  const result = await db.execute<Row>(sql`
    WITH p AS (
      INSERT INTO products (${sql.raw(fields.map((f) => columns[f]).join(', '))})
      VALUES (${sql.join(
        fields.map((f) => value(f, body[f])),
        sql`, `,
      )})
      RETURNING id
    ), pc AS (
      INSERT INTO product_categories (product_id, category_id)
      SELECT p.id, c FROM p, unnest(${pgArray(body.categoryIds ?? [])}::bigint[]) AS c
    )
    SELECT id FROM p`);
  return Number(result.rows[0]?.id);
}

/** Updates the given fields (and replaces the categories when given); false when there is no such product. */
export async function updateProduct(db: Db, id: number, body: ProductUpdate): Promise<boolean> {
  const sets = updateSets(body, columns, (field, v) => value(String(field), v));
  const cats = body.categoryIds;
  const replaceCategories = cats
    ? sql`, d AS (
        DELETE FROM product_categories WHERE product_id IN (SELECT id FROM u) AND category_id <> ALL(${pgArray(cats)}::bigint[])
      ), i AS (
        INSERT INTO product_categories (product_id, category_id)
        SELECT u.id, c FROM u, unnest(${pgArray(cats)}::bigint[]) AS c ON CONFLICT DO NOTHING
      )`
    : sql``;
  const result = await db.execute<Row>(sql`
    WITH u AS (UPDATE products SET ${sql.join(sets, sql`, `)} WHERE id = ${id} RETURNING id)
    ${replaceCategories}
    SELECT id FROM u`);
  return result.rows.length > 0;
}

/**
 * Adds `delta` to the stock of a product whose row the caller's transaction holds locked (lockProduct
 * read `stock` under that lock, so it is current): below zero is a 409 and above the column's range a
 * 422, both before anything is written. The UPDATE itself is relative, so even a caller that forgot the
 * lock could not overwrite a concurrent checkout; the CHECK constraint is the last line.
 */
export async function adjustStock(tx: Db, id: number, stock: number, delta: number): Promise<void> {
  const next = stock + delta;
  if (next < 0) throw new ApiError('API_ERR_STOCK_BELOW_ZERO', undefined, { details: { stock, delta } });
  if (next > MAX_STOCK) {
    throw new ApiError('API_ERR_UNPROCESSABLE', 'The stock would exceed the largest a product can hold.', {
      details: { stock, delta, maxStock: MAX_STOCK },
    });
  }
  await tx.execute(sql`UPDATE products SET stock = stock + ${delta}, updated_at = now() WHERE id = ${id}`);
}

export async function deleteProduct(db: Db, id: number): Promise<boolean> {
  const result = await db.execute(sql`DELETE FROM products WHERE id = ${id}`);
  return (result.rowCount ?? 0) > 0;
}
