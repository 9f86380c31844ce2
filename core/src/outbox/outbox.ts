import { sql } from 'drizzle-orm';
import type { Db } from '../db/database-router.ts';
import { type JobKind, type JobPayload, jobId, jobPayloads } from '../queues/contracts.ts';
import { InvalidJobPayloadError } from '../queues/producer.ts';

/**
 * The transactional outbox, shared by the API (writes a row in the transaction of the change it
 * announces, then enqueues and deletes it after the commit) and the worker's relay (enqueues the rows
 * the API could not). Table: core/src/db/schema/outbox.ts; the story: docs/workers.md.
 */

/** Anything that runs SQL: the router's primary or a transaction on it. */
export type SqlRunner = Pick<Db, 'execute'>;

/** One job waiting in the outbox. */
export interface OutboxEntry<K extends JobKind = JobKind> {
  id: number;
  kind: K;
  payload: JobPayload<K>;
  /** core's jobId(kind, payload), stored with the row (unique): relaying the row twice adds one job. */
  jobId: string;
}

/** What can enqueue a job: core's JobProducer, or the API's wrapper around it. */
export interface OutboxProducer {
  enqueue<K extends JobKind>(kind: K, payload: JobPayload<K>): Promise<unknown>;
}

/**
 * A new row is left to its writer this long before the relay may take it: the writer enqueues it
 * right after the commit (bounded by QUEUE_ENQUEUE_TIMEOUT_MS), and a relay taking it meanwhile would
 * only add a second, harmless enqueue of the same job id.
 */
export const OUTBOX_WRITER_GRACE_MS = 5000;

/**
 * Adds a job to the outbox; call it inside the transaction of the change the job announces, so both
 * commit or neither does. Validates the payload first (InvalidJobPayloadError: a bug, and the
 * transaction rolls back). Resolves undefined when a row for the same job id is already waiting: that
 * row will deliver the job.
 */
export async function addToOutbox<K extends JobKind>(
  tx: SqlRunner,
  kind: K,
  payload: JobPayload<K>,
): Promise<OutboxEntry<K> | undefined> {
  const parsed = jobPayloads[kind].safeParse(payload);
  if (!parsed.success) throw new InvalidJobPayloadError(kind, parsed.error);
  const data = parsed.data as JobPayload<K>;
  const id = jobId(kind, data);
  const result = await tx.execute<{ id: string | number }>(sql`
    INSERT INTO outbox (kind, payload, job_id, next_attempt_at)
    VALUES (${kind}, ${JSON.stringify(data)}::jsonb, ${id}, now() + ${OUTBOX_WRITER_GRACE_MS} * interval '1 millisecond')
    ON CONFLICT (job_id) DO NOTHING
    RETURNING id`);
  const row = result.rows[0];
  return row ? { id: Number(row.id), kind, payload: data, jobId: id } : undefined;
}

/**
 * Enqueues an entry and deletes its row: the writer's fast path after its commit. Rejects when the
 * enqueue fails; the row then stays for the relay. A delete that fails after a good enqueue leaves
 * the row too, and the relay's second enqueue of the same job id adds nothing.
 */
export async function deliverOutboxEntry(db: SqlRunner, producer: OutboxProducer, entry: OutboxEntry): Promise<void> {
  await producer.enqueue(entry.kind, entry.payload);
  await deleteOutboxRows(db, [entry.id]);
}

/** Deletes the rows of jobs that reached the queue. */
export async function deleteOutboxRows(db: SqlRunner, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`DELETE FROM outbox WHERE id = ANY(${idArray(ids)}::bigint[])`);
}

/** A Postgres array literal of ids (numbers only, so nothing needs quoting). */
export function idArray(ids: readonly number[]): string {
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new Error(`not an id: ${id}`);
  return `{${ids.join(',')}}`;
}
