import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { MAX_PRICE_CENTS } from '../money.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const brands = pgTable(
  'brands',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    logoUrl: text('logo_url'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // GET /brands/:slug: SELECT ... FROM brands WHERE slug = $1
  (t) => [uniqueIndex('brands_slug_uq').on(t.slug)],
);

export const categories = pgTable(
  'categories',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    parentId: bigint('parent_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // GET /products?category=slug resolves the slug: SELECT id FROM categories WHERE slug = $1
    uniqueIndex('categories_slug_uq').on(t.slug),
    // GET /categories/:id lists children: SELECT ... FROM categories WHERE parent_id = $1
    index('categories_parent_idx').on(t.parentId),
  ],
);

export const products = pgTable(
  'products',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    brandId: bigint('brand_id', { mode: 'number' })
      .notNull()
      .references(() => brands.id),
    /** Price in minor units (cents): money is never a float. */
    priceCents: integer('price_cents').notNull(),
    currency: text('currency').notNull().default('USD'),
    discountPercent: smallint('discount_percent').notNull().default(0),
    stock: integer('stock').notNull().default(0),
    isAvailable: boolean('is_available').notNull().default(true),
    isFeatured: boolean('is_featured').notNull().default(false),
    images: text('images').array().notNull().default(sql`'{}'`),
    /** Kept by a trigger on reviews (see the custom migration), so detail pages need no aggregate query. */
    reviewCount: integer('review_count').notNull().default(0),
    ratingSum: integer('rating_sum').notNull().default(0),
    search: tsvector('search').generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B')`,
    ),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The platform's largest price (money.ts): price × (100 − discount) is then computed in 64 bits.
    check('products_price_range', sql`${t.priceCents} BETWEEN 0 AND ${sql.raw(String(MAX_PRICE_CENTS))}`),
    check('products_discount_range', sql`${t.discountPercent} BETWEEN 0 AND 100`),
    // Checkout decrements stock in a transaction; the check makes overselling impossible even on a bug.
    check('products_stock_nonnegative', sql`${t.stock} >= 0`),
    check('products_reviews_consistent', sql`${t.reviewCount} >= 0 AND ${t.ratingSum} >= 0`),
    uniqueIndex('products_slug_uq').on(t.slug),
    // The DESC indexes say NULLS FIRST, Postgres's own default for DESC: Drizzle's .desc() alone emits
    // DESC NULLS LAST, which cannot serve a plain `ORDER BY x DESC` (the planner does not use NOT NULL to
    // match the orders), and every such list fell back to a seq scan + sort (test/api/list-query-plans).
    // GET /products?sort=featured: ORDER BY is_featured DESC, id DESC LIMIT $n OFFSET $m
    // (keyset cursor: WHERE (is_featured, id) < ($f, $id), an index condition)
    index('products_featured_idx').on(t.isFeatured.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // GET /products?sort=price_asc|price_desc: ORDER BY price_cents, id (cursor on (price_cents, id))
    index('products_price_idx').on(t.priceCents, t.id),
    // GET /products?sort=newest: ORDER BY created_at DESC, id DESC (cursor on (created_at, id))
    index('products_newest_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // GET /products?brand=...: WHERE brand_id = $1 (any sort; the count too) ORDER BY created_at DESC, id DESC
    index('products_brand_newest_idx').on(t.brandId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // GET /products?isAvailable=false (the ~7% out of stock): WHERE NOT is_available, any sort, and its
    // count (an index-only scan); without it deep pages and the count read the whole table.
    index('products_unavailable_idx').on(t.id).where(sql`NOT ${t.isAvailable}`),
    // GET /products?q=...: WHERE search @@ websearch_to_tsquery('english', $1)
    index('products_search_idx').using('gin', t.search),
  ],
);

export const productCategories = pgTable(
  'product_categories',
  {
    productId: bigint('product_id', { mode: 'number' })
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    categoryId: bigint('category_id', { mode: 'number' })
      .notNull()
      .references(() => categories.id, { onDelete: 'cascade' }),
  },
  (t) => [
    // GET /products/:id: SELECT ... FROM product_categories WHERE product_id = $1 (the primary key's prefix)
    primaryKey({ columns: [t.productId, t.categoryId] }),
    // GET /products?category=...: WHERE EXISTS (... WHERE category_id = $1 AND product_id = p.id)
    index('product_categories_category_idx').on(t.categoryId, t.productId),
  ],
);
