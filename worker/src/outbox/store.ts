// The relay's SQL on the outbox table (core/src/db/schema/outbox.ts). Every function is one statement,
// so each is its own short transaction: fit for PgBouncer in transaction mode, and no lock or server
// connection is held while the relay talks to Redis.
import type { Db } from '@avelon/core';
import { sql } from 'drizzle-orm';

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

/**
 * Claims up to `limit` due rows: locks them with FOR UPDATE SKIP LOCKED (a row another relay is
 * claiming at this instant is skipped, not waited for), counts the attempt and pushes next_attempt_at
 * `leaseMs` ahead, then commits. Until the lease ends no other relay sees the rows as due, so two
 * relays never hold the same row; if this one dies, the rows come back when the lease runs out.
 */
export async function claimDue(db: Db, limit: number, leaseMs: number): Promise<ClaimedRow[]> {
  const result = await db.execute<{ id: string; kind: string; payload: unknown; job_id: string; attempts: number }>(sql`
    WITH due AS (
      SELECT id FROM outbox
      WHERE next_attempt_at <= now()
      ORDER BY next_attempt_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE outbox o
    SET attempts = o.attempts + 1, next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
    FROM due WHERE o.id = due.id
    RETURNING o.id, o.kind, o.payload, o.job_id, o.attempts`);
  return result.rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    payload: r.payload,
    jobId: r.job_id,
    attempts: Number(r.attempts),
  }));
}

/** Records failed rows: the error, and when to try again (or never, for a parked row). */
export async function recordFailures(db: Db, failures: readonly RowFailure[]): Promise<void> {
  if (failures.length === 0) return;
  const rows = failures.map((f) => ({ id: f.id, error: f.error.slice(0, 1000), delay_ms: f.retryInMs ?? null }));
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
  const result = await db.execute<{ n: number; age: number }>(sql`
    SELECT count(*)::int AS n, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age FROM outbox`);
  const row = result.rows[0];
  return { rows: Number(row?.n ?? 0), oldestSeconds: Math.max(0, Number(row?.age ?? 0)) };
}
