import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The transactional outbox: a job the API must enqueue, written in the same transaction as the change
 * it announces (an order, a status), so the change and its mail commit together. The API enqueues it
 * at once after the commit and deletes the row; a row left behind (the queue store was down) is
 * enqueued later by the worker's relay (worker/src/outbox/). See docs/workers.md.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** A job kind of core/src/queues/contracts.ts. */
    kind: text('kind').notNull(),
    /** The job's payload, valid for its kind when written. */
    payload: jsonb('payload').notNull(),
    /** core's jobId(kind, payload): the BullMQ job id, so enqueueing a row twice adds one job. */
    jobId: text('job_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Relay attempts so far (the API's own attempt is not counted). */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** When the relay may take the row; pushed forward by every claim (backoff and lease in one). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // INSERT ... ON CONFLICT (job_id) DO NOTHING: one pending row per job
    uniqueIndex('outbox_job_id_uq').on(t.jobId),
    // The relay's claim: WHERE next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $n FOR UPDATE SKIP LOCKED
    index('outbox_next_attempt_idx').on(t.nextAttemptAt),
  ],
);

/** The whole row, as the relay reads it. */
export type OutboxRow = typeof outbox.$inferSelect;
