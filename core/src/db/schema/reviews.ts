import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { products } from './catalogue.ts';
import { users } from './users.ts';

export const reviews = pgTable(
  'reviews',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    productId: bigint('product_id', { mode: 'number' })
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    rating: smallint('rating').notNull(),
    body: text('body').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('reviews_rating_range', sql`${t.rating} BETWEEN 1 AND 5`),
    // GET /products/:id latest reviews: WHERE product_id = $1 ORDER BY created_at DESC, id DESC LIMIT 10
    index('reviews_product_latest_idx').on(t.productId, t.createdAt.desc(), t.id.desc()),
    // One review per user and product; also serves "has this user reviewed it": WHERE user_id = $1 AND product_id = $2
    uniqueIndex('reviews_user_product_uq').on(t.userId, t.productId),
  ],
);
