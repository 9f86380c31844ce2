// The relay's SQL on the outbox table (core/src/db/schema/outbox.ts). Every function is one statement,
// so each is its own short transaction: fit for PgBouncer in transaction mode, and no lock or server
// connection is held while the relay talks to Redis.
import { type Db, schema } from '@avelon/core';
import { count, eq, lte, sql } from 'drizzle-orm';

const { outbox } = schema;

/** A claimed row, as the relay enqueues it. */
export interface ClaimedRow {
  id: number;
  kind: string;
  payload: unknown;
  jobId: string;
  /** Claims so far, this one included. */
  attempts: number;
}

/** What became of a claimed row that is not enqueued. */
export interface RowFailure {
  id: number;
  error: string;
  /** When to try again; undefined parks the row (next_attempt_at = infinity) for a human to look at. */
  retryInMs: number | undefined;
}

/** The statement of claimDue (exported for its SQL-shape test). */
export function claimDueQuery(db: Db, limit: number, leaseMs: number) {
  const due = db
    .$with('due')
    .as(
      db
        .select({ id: outbox.id })
        .from(outbox)
        .where(lte(outbox.nextAttemptAt, sql`now()`))
        .orderBy(outbox.nextAttemptAt)
        .limit(limit)
        .for('update', { skipLocked: true }),
    );
  return db
    .with(due)
    .update(outbox)
    .set({
      attempts: sql`${outbox.attempts} + 1`,
      nextAttemptAt: sql`now() + ${leaseMs} * interval '1 millisecond'`,
    })
    .from(due)
    .where(eq(outbox.id, due.id))
    .returning({
      id: outbox.id,
      kind: outbox.kind,
      payload: outbox.payload,
      jobId: outbox.jobId,
      attempts: outbox.attempts,
    });
}

/**
 * Claims up to `limit` due rows: locks them with FOR UPDATE SKIP LOCKED (a row another relay is
 * claiming at this instant is skipped, not waited for), counts the attempt and pushes next_attempt_at
 * `leaseMs` ahead, then commits. Until the lease ends no other relay sees the rows as due, so two
 * relays never hold the same row; if this one dies, the rows come back when the lease runs out.
 */
export async function claimDue(db: Db, limit: number, leaseMs: number): Promise<ClaimedRow[]> {
  return claimDueQuery(db, limit, leaseMs);
}

/** Records failed rows: the error, and when to try again (or never, for a parked row). */
export async function recordFailures(db: Db, failures: readonly RowFailure[]): Promise<void> {
  if (failures.length === 0) return;
  const rows = failures.map((f) => ({ id: f.id, error: f.error.slice(0, 1000), delay_ms: f.retryInMs ?? null }));
  // Raw: the rows' values come as one JSON parameter (json_to_recordset), which the builder cannot join.
  await db.execute(sql`
    UPDATE outbox o
    SET last_error = f.error,
        next_attempt_at = CASE WHEN f.delay_ms IS NULL THEN 'infinity'::timestamptz
                               ELSE now() + f.delay_ms * interval '1 millisecond' END
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS f(id bigint, error text, delay_ms float8)
    WHERE o.id = f.id`);
}

/** Rows in the outbox and the age of the oldest, for the gauges. */
export async function pendingStats(db: Db): Promise<{ rows: number; oldestSeconds: number }> {
  const [row] = await db
    .select({
      n: count(),
      age: sql<number>`coalesce(extract(epoch FROM now() - min(${outbox.createdAt})), 0)::float8`,
    })
    .from(outbox);
  return { rows: row?.n ?? 0, oldestSeconds: Math.max(0, row?.age ?? 0) };
}
