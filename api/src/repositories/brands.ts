import { schema } from '@avelon/core';
import { count, eq, sql } from 'drizzle-orm';
import type { Brand, BrandCreate, BrandUpdate } from '../routes/brands/schemas.ts';
import type { Runner } from './runner.ts';

const { brands } = schema;
export type BrandRow = typeof brands.$inferSelect;

export function toBrand(row: BrandRow): Brand {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    logoUrl: row.logoUrl,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A page of brands by id, and the total (a small table: counting it is cheap). */
export async function listBrands(db: Runner, limit: number, page: number) {
  const [rows, total] = await Promise.all([
    db
      .select()
      .from(brands)
      .orderBy(brands.id)
      .limit(limit)
      .offset((page - 1) * limit),
    db.select({ n: count() }).from(brands),
  ]);
  return { data: rows.map(toBrand), meta: { page, limit, total: total[0]?.n ?? 0 } };
}

export async function brandDetail(db: Runner, id: number): Promise<Brand | undefined> {
  const [row] = await db.select().from(brands).where(eq(brands.id, id));
  return row && toBrand(row);
}

export async function createBrand(db: Runner, b: BrandCreate): Promise<Brand> {
  const [row] = await db
    .insert(brands)
    .values({ slug: b.slug, title: b.title, description: b.description ?? null, logoUrl: b.logoUrl ?? null })
    .returning();
  if (!row) throw new Error('brand insert returned no row');
  return toBrand(row);
}

/** Sets the fields the body carries (undefined ones are left out: no mass assignment) and updated_at. */
export function updateBrandQuery(db: Runner, id: number, b: BrandUpdate) {
  return db
    .update(brands)
    .set({ slug: b.slug, title: b.title, description: b.description, logoUrl: b.logoUrl, updatedAt: sql`now()` })
    .where(eq(brands.id, id))
    .returning();
}

/** Updates a brand; undefined when there is no such brand. */
export async function updateBrand(db: Runner, id: number, b: BrandUpdate): Promise<Brand | undefined> {
  const [row] = await updateBrandQuery(db, id, b);
  return row && toBrand(row);
}

/** False when there is no such brand (a brand still in use fails on the products' foreign key). */
export async function deleteBrand(db: Runner, id: number): Promise<boolean> {
  const result = await db.delete(brands).where(eq(brands.id, id));
  return (result.rowCount ?? 0) > 0;
}
