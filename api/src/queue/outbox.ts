// The API's half of the transactional outbox: a route writes the job's row in its transaction (core's
// addToOutbox), then calls this after the commit. The worker's relay enqueues whatever is left.
import { type Db, deliverOutboxEntry, type OutboxEntry } from '@avelon/core';
import type { FastifyBaseLogger } from 'fastify';
import type { ApiJobs } from './producer.ts';

/**
 * Enqueues a committed outbox entry at once and deletes its row (the fast path: the mail goes out
 * without waiting for the relay). Never throws: the change is committed, and a failed enqueue only
 * leaves the row for the relay, which enqueues it when the queue store is back. No entry (a replay,
 * or the same job already waiting) does nothing.
 */
export async function deliverAfterCommit(
  db: Db,
  jobs: ApiJobs,
  entry: OutboxEntry | undefined,
  log: FastifyBaseLogger,
): Promise<void> {
  if (!entry) return;
  await deliverOutboxEntry(db, jobs, entry).catch((error: unknown) =>
    log.warn(
      { err: error, jobId: entry.jobId, outboxId: entry.id },
      'job not enqueued; left in the outbox for the relay',
    ),
  );
}
