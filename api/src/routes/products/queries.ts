import type { Db } from '@avelon/core';
import { type SQL, sql } from 'drizzle-orm';
import { ApiError } from '../../errors.ts';
import type { ProductDetail, ProductListQuery, ProductSummary, Sort } from './schemas.ts';

/** Pages beyond this offset must use the cursor: OFFSET reads and drops every row before it. */
export const MAX_OFFSET = 10_000;

type Row = Record<string, unknown>;

/** Keyset position: the sort key and the id of the last row of a page. */
interface Cursor {
  s: Sort;
  k: number | boolean | string;
  i: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(raw: string, sort: Sort): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Cursor;
    const keyOk =
      (sort === 'featured' && typeof c.k === 'boolean') ||
      ((sort === 'price_asc' || sort === 'price_desc') && Number.isSafeInteger(c.k)) ||
      (sort === 'newest' && typeof c.k === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(c.k));
    // Only the exact form this API issues: anything else could make Postgres fail to parse it (a 500).
    if (c.s === sort && keyOk && Number.isSafeInteger(c.i) && c.i > 0) return c;
  } catch {
    // fall through
  }
  throw new ApiError('API_ERR_BAD_CURSOR');
}

/** `brand_id = 3` or `brand_id = (SELECT id FROM brands WHERE slug = 'x')`: one query either way. */
function refId(table: 'brands' | 'categories', idOrSlug: string): SQL {
  if (/^\d+$/.test(idOrSlug)) return sql`${Number(idOrSlug)}`;
  return table === 'brands'
    ? sql`(SELECT id FROM brands WHERE slug = ${idOrSlug})`
    : sql`(SELECT id FROM categories WHERE slug = ${idOrSlug})`;
}

/** The WHERE of a product list, without paging: shared by the page query and the count. */
export function filters(q: ProductListQuery): SQL[] {
  const where: SQL[] = [];
  if (q.isAvailable !== undefined) where.push(sql`p.is_available = ${q.isAvailable}`);
  if (q.brand) where.push(sql`p.brand_id = ${refId('brands', q.brand)}`);
  if (q.category) {
    where.push(
      sql`EXISTS (SELECT 1 FROM product_categories pc WHERE pc.product_id = p.id AND pc.category_id = ${refId('categories', q.category)})`,
    );
  }
  if (q.minPrice !== undefined) where.push(sql`p.price_cents >= ${q.minPrice}`);
  if (q.maxPrice !== undefined) where.push(sql`p.price_cents <= ${q.maxPrice}`);
  if (q.q) where.push(sql`p.search @@ websearch_to_tsquery('english', ${q.q})`);
  return where;
}

const orderBy: Record<Sort, SQL> = {
  featured: sql`p.is_featured DESC, p.id DESC`,
  price_asc: sql`p.price_cents ASC, p.id ASC`,
  price_desc: sql`p.price_cents DESC, p.id DESC`,
  newest: sql`p.created_at DESC, p.id DESC`,
};

function keyset(c: Cursor): SQL {
  switch (c.s) {
    case 'featured':
      return sql`(p.is_featured, p.id) < (${c.k as boolean}, ${c.i})`;
    case 'price_asc':
      return sql`(p.price_cents, p.id) > (${c.k as number}, ${c.i})`;
    case 'price_desc':
      return sql`(p.price_cents, p.id) < (${c.k as number}, ${c.i})`;
    case 'newest':
      return sql`(p.created_at, p.id) < (${c.k as string}::timestamptz, ${c.i})`;
  }
}

const whereSql = (parts: SQL[]) => (parts.length ? sql`WHERE ${sql.join(parts, sql` AND `)}` : sql``);

/** One page of products (one query; LIMIT n+1 tells whether there is a next page). */
export async function listProducts(
  db: Db,
  q: ProductListQuery,
  sort: Sort,
  limit: number,
  page: number,
): Promise<{ rows: ProductSummary[]; nextCursor: string | null }> {
  const where = filters(q);
  if (q.cursor) where.push(keyset(decodeCursor(q.cursor, sort)));
  const offset = q.cursor ? 0 : (page - 1) * limit;
  const result = await db.execute<Row>(sql`
    SELECT p.id, p.slug, p.title, p.price_cents, p.discount_percent, p.currency, p.is_available, p.is_featured,
           p.images[1] AS image, p.brand_id, p.review_count, p.rating_sum, p.created_at,
           to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key
    FROM products p
    ${whereSql(where)}
    ORDER BY ${orderBy[sort]}
    LIMIT ${limit + 1} OFFSET ${offset}`);
  const more = result.rows.length > limit;
  const rows = result.rows.slice(0, limit);
  const last = rows.at(-1);
  let nextCursor: string | null = null;
  if (more && last) {
    const k =
      sort === 'featured'
        ? Boolean(last.is_featured)
        : sort === 'newest'
          ? String(last.created_key)
          : Number(last.price_cents);
    nextCursor = encodeCursor({ s: sort, k, i: Number(last.id) });
  }
  return { rows: rows.map(toSummary), nextCursor };
}

/** How many products match the filters: cached per filter set, so deep pages never count. */
export async function countProducts(db: Db, q: ProductListQuery): Promise<number> {
  const result = await db.execute<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM products p ${whereSql(filters(q))}`,
  );
  return result.rows[0]?.n ?? 0;
}

/** One product with brand, categories, rating over all reviews and the 10 latest reviews (one query). */
export async function productDetail(db: Db, id: number): Promise<ProductDetail | undefined> {
  const result = await db.execute<Row>(sql`
    SELECT p.id, p.slug, p.title, p.description, p.price_cents, p.discount_percent, p.currency, p.stock,
           p.is_available, p.is_featured, p.images, p.review_count, p.rating_sum, p.created_at, p.updated_at,
           json_build_object('id', b.id, 'slug', b.slug, 'title', b.title) AS brand,
           (SELECT coalesce(json_agg(json_build_object('id', c.id, 'slug', c.slug, 'title', c.title) ORDER BY c.id), '[]')
              FROM product_categories pc JOIN categories c ON c.id = pc.category_id
             WHERE pc.product_id = p.id) AS categories,
           (SELECT coalesce(json_agg(json_build_object('id', r.id, 'rating', r.rating, 'body', r.body,
                                                       'author', r.author, 'createdAt', r.created_at)
                                     ORDER BY r.created_at DESC, r.id DESC), '[]')
              FROM (SELECT r.id, r.rating, r.body, u.name AS author, r.created_at
                      FROM reviews r JOIN users u ON u.id = r.user_id
                     WHERE r.product_id = p.id
                     ORDER BY r.created_at DESC, r.id DESC LIMIT 10) r) AS latest_reviews
    FROM products p JOIN brands b ON b.id = p.brand_id
    WHERE p.id = ${id}`);
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    ...toPriced(row),
    id: Number(row.id),
    slug: String(row.slug),
    title: String(row.title),
    description: String(row.description),
    stock: Number(row.stock),
    isAvailable: Boolean(row.is_available),
    isFeatured: Boolean(row.is_featured),
    images: row.images as string[],
    brand: row.brand as ProductDetail['brand'],
    categories: row.categories as ProductDetail['categories'],
    rating: rating(row),
    latestReviews: (row.latest_reviews as ProductDetail['latestReviews']).map((r) => ({
      ...r,
      createdAt: new Date(r.createdAt).toISOString(),
    })),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

function toPriced(row: Row) {
  const priceCents = Number(row.price_cents);
  const discountPercent = Number(row.discount_percent);
  return {
    priceCents,
    discountPercent,
    finalPriceCents: Math.round((priceCents * (100 - discountPercent)) / 100),
    currency: String(row.currency),
  };
}

function rating(row: Row): { average: number | null; count: number } {
  const count = Number(row.review_count);
  return { average: count > 0 ? Math.round((Number(row.rating_sum) / count) * 100) / 100 : null, count };
}

function toSummary(row: Row): ProductSummary {
  return {
    id: Number(row.id),
    slug: String(row.slug),
    title: String(row.title),
    ...toPriced(row),
    isAvailable: Boolean(row.is_available),
    isFeatured: Boolean(row.is_featured),
    image: (row.image as string | null) ?? null,
    brandId: Number(row.brand_id),
    rating: rating(row),
    createdAt: toIso(row.created_at),
  };
}

/** Raw queries return timestamps as Date (timestamptz) or string: ISO either way. */
export function toIso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
