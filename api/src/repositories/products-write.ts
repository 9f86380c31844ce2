import { schema } from '@avelon/core';
import { and, eq, inArray, sql, type WithSubquery } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import { pgArray } from '../db/pg-errors.ts';
import { ApiError } from '../errors.ts';
import { MAX_STOCK, type ProductCreate, type ProductUpdate } from '../routes/products/schemas.ts';
import type { Runner } from './runner.ts';

const { productCategories, products } = schema;
const qb = new QueryBuilder();

/** The only columns an admin request can write (no mass assignment): the body's fields, by name. */
function writable(body: ProductUpdate) {
  const {
    slug,
    title,
    description,
    brandId,
    priceCents,
    currency,
    discountPercent,
    stock,
    isAvailable,
    isFeatured,
    images,
  } = body;
  return {
    slug,
    title,
    description,
    brandId,
    priceCents,
    currency,
    discountPercent,
    stock,
    isAvailable,
    isFeatured,
    images,
  };
}

// `unnest($ids::bigint[]) AS c`: a set-returning function in FROM, which the builder has no term for.
const unnestIds = (ids: readonly number[]) => sql`unnest(${pgArray(ids)}::bigint[]) AS c`;

/** INSERT of a product and its categories, one statement: the second CTE reads the first's id. */
export function createStatement(db: Runner, body: ProductCreate) {
  const p = db.$with('p').as(
    db
      .insert(products)
      // The required columns again, as the create body types them (writable() makes every field optional).
      .values({
        ...writable(body),
        slug: body.slug,
        title: body.title,
        brandId: body.brandId,
        priceCents: body.priceCents,
      })
      .returning({ id: products.id }),
  );
  const pc = db.$with('pc').as(
    db.insert(productCategories).select(
      qb
        .select({ productId: p.id, categoryId: sql<number>`c`.as('category_id') })
        .from(p)
        .crossJoin(unnestIds(body.categoryIds ?? [])),
    ),
  );
  return db.with(p, pc).select({ id: p.id }).from(p);
}

/** Inserts a product and its categories in one statement; returns its id. */
export async function createProduct(db: Runner, body: ProductCreate): Promise<number> {
  const [row] = await createStatement(db, body);
  if (!row) throw new Error('INSERT ... RETURNING returned no row');
  return row.id;
}

/** UPDATE of the given fields, and when given the categories, one statement: `updated_at` always moves. */
export function updateStatement(db: Runner, id: number, body: ProductUpdate) {
  const u = db.$with('u').as(
    db
      .update(products)
      .set({ ...writable(body), updatedAt: sql`now()` })
      .where(eq(products.id, id))
      .returning({ id: products.id }),
  );
  const cats = body.categoryIds;
  const ctes: WithSubquery[] = [u];
  if (cats) {
    const d = db.$with('d').as(
      db.delete(productCategories).where(
        and(
          inArray(productCategories.productId, qb.select({ id: u.id }).from(u)),
          // `<> ALL(array)` has no builder term; notInArray would send one parameter per id.
          sql`${productCategories.categoryId} <> ALL(${pgArray(cats)}::bigint[])`,
        ),
      ),
    );
    const i = db.$with('i').as(
      db
        .insert(productCategories)
        .select(
          qb
            .select({ productId: u.id, categoryId: sql<number>`c`.as('category_id') })
            .from(u)
            .crossJoin(unnestIds(cats)),
        )
        .onConflictDoNothing(),
    );
    ctes.push(d, i);
  }
  return db
    .with(...ctes)
    .select({ id: u.id })
    .from(u);
}

/** Updates the given fields (and replaces the categories when given); false when there is no such product. */
export async function updateProduct(db: Runner, id: number, body: ProductUpdate): Promise<boolean> {
  const rows = await updateStatement(db, id, body);
  return rows.length > 0;
}

/**
 * Adds `delta` to the stock of a product whose row the caller's transaction holds locked (lockProductRow
 * read `stock` under that lock, so it is current): below zero is a 409 and above the column's range a
 * 422, both before anything is written. The UPDATE itself is relative, so even a caller that forgot the
 * lock could not overwrite a concurrent checkout; the CHECK constraint is the last line.
 */
export async function adjustStock(tx: Runner, id: number, stock: number, delta: number): Promise<void> {
  const next = stock + delta;
  if (next < 0) throw new ApiError('API_ERR_STOCK_BELOW_ZERO', undefined, { details: { stock, delta } });
  if (next > MAX_STOCK) {
    throw new ApiError('API_ERR_UNPROCESSABLE', 'The stock would exceed the largest a product can hold.', {
      details: { stock, delta, maxStock: MAX_STOCK },
    });
  }
  await tx
    .update(products)
    .set({ stock: sql`${products.stock} + ${delta}`, updatedAt: sql`now()` })
    .where(eq(products.id, id));
}

export async function deleteProduct(db: Runner, id: number): Promise<boolean> {
  const result = await db.delete(products).where(eq(products.id, id));
  return (result.rowCount ?? 0) > 0;
}
