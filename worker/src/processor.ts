import { type JobKind, type JobPayload, jobEntityKey } from '@avelon/core';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { z } from 'zod';
import { ClaimHeldError, PermanentJobError } from './errors.ts';
import type { JobContext, JobHandler, JobHandlers } from './jobs/job-handler.ts';
import type { IdempotencyLedger } from './ledger/ledger.ts';
import { ledgerKey } from './ledger/ledger.ts';
import { type RunOnceResult, runOnce } from './ledger/run-once.ts';

/** The part of a BullMQ job the processor uses (a fake in unit tests). */
export type ProcessableJob = Pick<Job, 'id' | 'name' | 'data' | 'moveToDelayed'>;

export interface ProcessorDeps {
  handlers: JobHandlers;
  ledger: IdempotencyLedger;
  /** QUEUE_PREFIX: ledger keys sit beside the queues. */
  prefix: string;
  leaseMs: number;
  services: Omit<JobContext, 'entityKey'>;
  onLeaseLost?: (job: ProcessableJob, error?: unknown) => void;
}

/** A job's return value as BullMQ stores it. */
export type JobResult = RunOnceResult;

/**
 * The one processor of every queue: finds the handler by job name, validates the payload with the
 * kind's schema, and runs the effect at most once through the ledger. It is also the one place where
 * the worker's control-flow errors become BullMQ's: a bad payload or a PermanentJobError fails the job
 * now (UnrecoverableError, no retry, the reason kept); a claim held by another attempt delays the job
 * without using an attempt; any other error is retried with backoff.
 */
export function createProcessor(deps: ProcessorDeps): (job: ProcessableJob, token?: string) => Promise<JobResult> {
  return async (job, token) => {
    const handler = deps.handlers[job.name as JobKind] as JobHandler | undefined;
    if (!handler) throw new UnrecoverableError(`unknown job kind "${job.name}"`);
    const parsed = handler.schema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ${job.name} payload: ${describeIssues(parsed.error)}`);
    const payload = parsed.data as JobPayload<JobKind>;
    const entityKey = jobEntityKey(handler.kind, payload);
    try {
      return await runOnce(
        {
          ledger: deps.ledger,
          key: ledgerKey(deps.prefix, handler.kind, entityKey),
          token: token ?? `job-${job.id}`,
          leaseMs: deps.leaseMs,
          onLeaseLost: (error) => deps.onLeaseLost?.(job, error),
        },
        () => handler.run(payload, { ...deps.services, entityKey }),
      );
    } catch (error) {
      if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
      if (error instanceof ClaimHeldError) {
        // Jitter spreads the attempts that all waited for the same dead claim.
        await job.moveToDelayed(Date.now() + error.retryInMs + Math.floor(Math.random() * 100), token);
        throw new DelayedError();
      }
      throw error;
    }
  };
}

/** One line naming each bad field, for the failed job's reason. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`).join('; ');
}
