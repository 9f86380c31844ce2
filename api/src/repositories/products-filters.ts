import { schema } from '@avelon/core';
import { and, asc, desc, eq, exists, gte, lte, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import type { ProductListQuery, Sort } from '../routes/products/schemas.ts';
import type { Cursor } from './products-cursor.ts';

const { brands, categories, productCategories, products } = schema;

// Subqueries are built without a connection: they only ever run inside the caller's statement.
const qb = new QueryBuilder();

/** `brand_id = 3` or `brand_id = (SELECT id FROM brands WHERE slug = 'x')`: one query either way. */
function brandId(idOrSlug: string): number | SQLWrapper {
  if (/^\d+$/.test(idOrSlug)) return Number(idOrSlug);
  return qb.select({ id: brands.id }).from(brands).where(eq(brands.slug, idOrSlug));
}

function categoryId(idOrSlug: string): number | SQLWrapper {
  if (/^\d+$/.test(idOrSlug)) return Number(idOrSlug);
  return qb.select({ id: categories.id }).from(categories).where(eq(categories.slug, idOrSlug));
}

/** The WHERE of a product list, without paging: shared by the page query and the count. */
export function productFilters(q: ProductListQuery): SQL[] {
  const where: SQL[] = [];
  if (q.isAvailable !== undefined) where.push(eq(products.isAvailable, q.isAvailable));
  if (q.brand) where.push(eq(products.brandId, brandId(q.brand)));
  if (q.category) {
    const inCategory = qb
      .select({ one: sql`1` })
      .from(productCategories)
      .where(
        and(eq(productCategories.productId, products.id), eq(productCategories.categoryId, categoryId(q.category))),
      );
    where.push(exists(inCategory));
  }
  if (q.minPrice !== undefined) where.push(gte(products.priceCents, q.minPrice));
  if (q.maxPrice !== undefined) where.push(lte(products.priceCents, q.maxPrice));
  // Full-text match: drizzle has no operator for `@@` (served by the GIN index on `search`).
  if (q.q) where.push(sql`${products.search} @@ websearch_to_tsquery('english', ${q.q})`);
  return where;
}

/** ORDER BY of each sort: the same columns, in the same directions, as its index (catalogue.ts). */
export const productOrder: Record<Sort, SQL[]> = {
  featured: [desc(products.isFeatured), desc(products.id)],
  price_asc: [asc(products.priceCents), asc(products.id)],
  price_desc: [desc(products.priceCents), desc(products.id)],
  newest: [desc(products.createdAt), desc(products.id)],
};

/**
 * The rows after a cursor. A row-value comparison `(a, b) < (x, y)`, which drizzle cannot express,
 * is what lets Postgres walk the sort's index from the cursor on instead of filtering.
 */
export function afterCursor(c: Cursor): SQL {
  switch (c.s) {
    case 'featured':
      return sql`(${products.isFeatured}, ${products.id}) < (${c.k}, ${c.i})`;
    case 'price_asc':
      return sql`(${products.priceCents}, ${products.id}) > (${c.k}, ${c.i})`;
    case 'price_desc':
      return sql`(${products.priceCents}, ${products.id}) < (${c.k}, ${c.i})`;
    case 'newest':
      return sql`(${products.createdAt}, ${products.id}) < (${c.k}::timestamptz, ${c.i})`;
  }
}
