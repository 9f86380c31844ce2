import { sql } from 'drizzle-orm';
import { bigint, boolean, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

export const notifications = pgTable(
  'notifications',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    isRead: boolean('is_read').notNull().default(false),
    /** The producer's key for "the same notification": a re-run job finds its row instead of adding one. */
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The user's inbox: WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $n
    index('notifications_user_latest_idx').on(t.userId, t.createdAt.desc(), t.id.desc()),
    // Unread badge: SELECT count(*) WHERE user_id = $1 AND NOT is_read (partial: few are unread)
    index('notifications_user_unread_idx').on(t.userId).where(sql`NOT ${t.isRead}`),
    // The worker's insert: INSERT ... ON CONFLICT (user_id, dedupe_key) DO NOTHING (NULL keys never conflict)
    uniqueIndex('notifications_user_dedupe_uq').on(t.userId, t.dedupeKey),
  ],
);
