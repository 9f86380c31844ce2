import { schema } from '@avelon/core';
import { and, desc, eq, sql } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import type { ProductDetail, ProductListQuery, ProductSummary, Sort } from '../routes/products/schemas.ts';
import { decodeCursor, encodeCursor } from './products-cursor.ts';
import { type ReviewJson, toDetail, toSummary } from './products-dto.ts';
import { afterCursor, productFilters, productOrder } from './products-filters.ts';
import type { Runner } from './runner.ts';

const { brands, categories, productCategories, products, reviews, users } = schema;
const qb = new QueryBuilder();

/** Pages beyond this offset must use the cursor: OFFSET reads and drops every row before it. */
export const MAX_OFFSET = 10_000;

const summaryFields = {
  id: products.id,
  slug: products.slug,
  title: products.title,
  priceCents: products.priceCents,
  discountPercent: products.discountPercent,
  currency: products.currency,
  isAvailable: products.isAvailable,
  isFeatured: products.isFeatured,
  // Array subscripts have no builder: the first image is the list's thumbnail.
  image: sql<string | null>`${products.images}[1]`,
  brandId: products.brandId,
  reviewCount: products.reviewCount,
  ratingSum: products.ratingSum,
  createdAt: products.createdAt,
  // The cursor's key with all 6 fractional digits, as Postgres prints it: a JS Date keeps only 3.
  createdKey: sql<string>`to_char(${products.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
};

/** The statement of one page: LIMIT n+1 tells whether there is a next page. */
export function pageQuery(db: Runner, q: ProductListQuery, sort: Sort, limit: number, page: number) {
  const where = productFilters(q);
  if (q.cursor) where.push(afterCursor(decodeCursor(q.cursor, sort)));
  return db
    .select(summaryFields)
    .from(products)
    .where(and(...where))
    .orderBy(...productOrder[sort])
    .limit(limit + 1)
    .offset(q.cursor ? 0 : (page - 1) * limit);
}

/** One page of products (one query) and the cursor of the next one, if any. */
export async function listProducts(
  db: Runner,
  q: ProductListQuery,
  sort: Sort,
  limit: number,
  page: number,
): Promise<{ rows: ProductSummary[]; nextCursor: string | null }> {
  const found = await pageQuery(db, q, sort, limit, page);
  const rows = found.slice(0, limit);
  const last = rows.at(-1);
  let nextCursor: string | null = null;
  if (found.length > limit && last) {
    const i = last.id;
    nextCursor = encodeCursor(
      sort === 'featured'
        ? { s: sort, k: last.isFeatured, i }
        : sort === 'newest'
          ? { s: sort, k: last.createdKey, i }
          : { s: sort, k: last.priceCents, i },
    );
  }
  return { rows: rows.map(toSummary), nextCursor };
}

export function countQuery(db: Runner, q: ProductListQuery) {
  return db
    .select({ n: sql<number>`count(*)::int` })
    .from(products)
    .where(and(...productFilters(q)));
}

/** How many products match the filters: cached per filter set, so deep pages never count. */
export async function countProducts(db: Runner, q: ProductListQuery): Promise<number> {
  const [row] = await countQuery(db, q);
  return row?.n ?? 0;
}

// The detail's lists are aggregated to JSON in the same statement (one round trip per detail); the
// schema declares no relations, and the relational API would still need the 10-latest limit per product.
const categoryList = qb
  .select({
    list: sql<
      ProductDetail['categories']
    >`coalesce(json_agg(json_build_object('id', ${categories.id}, 'slug', ${categories.slug}, 'title', ${categories.title}) ORDER BY ${categories.id}), '[]')`,
  })
  .from(productCategories)
  .innerJoin(categories, eq(categories.id, productCategories.categoryId))
  .where(eq(productCategories.productId, products.id));

const latest = qb
  .select({
    id: reviews.id,
    rating: reviews.rating,
    body: reviews.body,
    author: sql<string | null>`${users.name}`.as('author'),
    createdAt: reviews.createdAt,
  })
  .from(reviews)
  .innerJoin(users, eq(users.id, reviews.userId))
  .where(eq(reviews.productId, products.id))
  .orderBy(desc(reviews.createdAt), desc(reviews.id))
  .limit(10)
  .as('r');

const reviewList = qb
  .select({
    list: sql<
      ReviewJson[]
    >`coalesce(json_agg(json_build_object('id', ${latest.id}, 'rating', ${latest.rating}, 'body', ${latest.body}, 'author', ${latest.author}, 'createdAt', ${latest.createdAt}) ORDER BY ${latest.createdAt} DESC, ${latest.id} DESC), '[]')`,
  })
  .from(latest);

const detailFields = {
  id: products.id,
  slug: products.slug,
  title: products.title,
  description: products.description,
  priceCents: products.priceCents,
  discountPercent: products.discountPercent,
  currency: products.currency,
  stock: products.stock,
  isAvailable: products.isAvailable,
  isFeatured: products.isFeatured,
  images: products.images,
  reviewCount: products.reviewCount,
  ratingSum: products.ratingSum,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt,
  brand: sql<
    ProductDetail['brand']
  >`json_build_object('id', ${brands.id}, 'slug', ${brands.slug}, 'title', ${brands.title})`,
  categories: sql<ProductDetail['categories']>`${categoryList}`,
  latestReviews: sql<ReviewJson[]>`${reviewList}`,
};

/** One product with brand, categories, rating over all reviews and the 10 latest reviews (one query). */
export async function productDetail(db: Runner, id: number): Promise<ProductDetail | undefined> {
  const [row] = await db
    .select(detailFields)
    .from(products)
    .innerJoin(brands, eq(brands.id, products.brandId))
    .where(eq(products.id, id));
  return row && toDetail(row);
}

/**
 * Locks the product's row until the caller's transaction ends (SELECT ... FOR UPDATE) and returns its
 * stock as of the latest commit; undefined when there is no such product.
 */
export async function lockProductRow(tx: Runner, id: number): Promise<{ stock: number } | undefined> {
  const [row] = await tx.select({ stock: products.stock }).from(products).where(eq(products.id, id)).for('update');
  return row;
}
