import { type DatabaseRouter, parseLsn, type WritePositionStore } from '@avelon/core';
import { sql } from 'drizzle-orm';

/**
 * Read-your-writes keys. A user's own reads use `user:<id>`; cached catalogue values are loaded under
 * `catalogue`, so after any catalogue write (admin change, stock taken by a checkout) a cache refill
 * never reads a replica that has not replayed it yet and caches the old row again.
 */
export const catalogueKey = 'catalogue';
export const userKey = (id: number) => `user:${id}`;

/** Records the primary's WAL position after a commit for each key (one query for all of them). */
export async function rememberWrite(
  db: DatabaseRouter,
  positions: WritePositionStore,
  keys: readonly string[],
): Promise<void> {
  const result = await db.primary.execute<{ lsn: string }>(sql`SELECT pg_current_wal_lsn()::text AS lsn`);
  const lsn = parseLsn(result.rows[0]?.lsn ?? '');
  await Promise.all(keys.map((key) => positions.remember(key, lsn)));
}
