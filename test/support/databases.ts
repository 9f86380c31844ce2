// Throwaway databases on the test stack's primary, for tests that need an empty one, and a stall of
// the catalogue's reads for tests that need the real API to turn slow.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { stack, superuserUrl } from './stack.ts';

export interface ScratchDatabase {
  name: string;
  /** The app role's URL, straight to the primary (as migrations and the demo loader use it). */
  url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: superuserUrl(stack.AVELON_PG_PRIMARY_PORT, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} OWNER avelon`);
  } finally {
    await admin.end();
  }
  const url = new URL(stack.DATABASE_MIGRATION_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: superuserUrl(stack.AVELON_PG_PRIMARY_PORT, 'postgres') });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A stall of the catalogue's reads, held until `release()` (or its own time limit). */
export interface ProductStall {
  /** Commits the locking transaction: reads on the primary and the replica go on. Idempotent. */
  release(): Promise<void>;
}

/**
 * Stalls every read of `products`, on the primary and on the replica, without touching the API: a
 * transaction on the primary holds `LOCK TABLE products IN ACCESS EXCLUSIVE MODE`. Such a lock is
 * WAL-logged, and a hot standby's startup process takes it too when it replays the record, so reads
 * routed to the replica block as well (and the router's fallback to the primary blocks the same way).
 * The record only reaches the standby once WAL is flushed, which normally happens at commit (too late
 * to matter), so a one-statement transaction on another connection commits right after it and flushes
 * it. Resolves once the standby holds the lock; fails if it does not within 5 s. The lock is released
 * by `release()` or after `maxMs` at the latest: keep that under DATABASE_QUERY_TIMEOUT_MS (5 s), so the
 * API's stalled reads end slow rather than failed.
 */
export async function stallProductReads(maxMs: number): Promise<ProductStall> {
  const primary = new pg.Client({ connectionString: stack.DATABASE_MIGRATION_URL });
  await primary.connect();
  let released: Promise<void> | undefined;
  const release = () => {
    released ??= primary
      .query('COMMIT')
      .then(() => undefined)
      .finally(() => primary.end());
    return released;
  };
  try {
    await primary.query('BEGIN');
    await primary.query("SET LOCAL lock_timeout = '5s'");
    await primary.query('LOCK TABLE products IN ACCESS EXCLUSIVE MODE');
    const timer = setTimeout(() => void release().catch(() => {}), maxMs);
    timer.unref();
    const flush = new pg.Client({ connectionString: stack.DATABASE_MIGRATION_URL });
    await flush.connect();
    try {
      await flush.query('SELECT pg_current_xact_id()');
    } finally {
      await flush.end();
    }
    const replicaUrl = stack.DATABASE_REPLICA_URLS[0];
    if (replicaUrl) await standbyHoldsLock(replicaUrl);
  } catch (error) {
    await release().catch(() => {});
    throw error;
  }
  return { release };
}

async function standbyHoldsLock(url: string): Promise<void> {
  const replica = new pg.Client({ connectionString: url });
  await replica.connect();
  try {
    const deadline = Date.now() + 5000;
    for (;;) {
      const { rows } = await replica.query(
        `SELECT 1 FROM pg_locks WHERE locktype = 'relation' AND relation = 'products'::regclass
           AND mode = 'AccessExclusiveLock' AND granted`,
      );
      if (rows.length > 0) return;
      if (Date.now() > deadline) throw new Error('the replica did not replay the lock on products within 5 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await replica.end();
  }
}
