import { z } from 'zod';
import { envInt } from '../config/env-types.ts';

/**
 * What producers (the API) and consumers (the worker) must agree on: where the queues live in Redis
 * and how a job is retried. Both apps spread this shape into their config.
 */
export const queueConfigShape = {
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('avelon')
    .describe(
      'Redis key prefix of every queue and of the worker idempotency ledger; producers and workers must agree.',
    ),
  QUEUE_JOB_ATTEMPTS: envInt(8, 1, 100).describe(
    'Attempts per job before it stays in the failed set (1 = no retry); set when the job is enqueued.',
  ),
  QUEUE_BACKOFF_MS: envInt(2000, 1).describe(
    'First retry delay; each next retry waits twice as long (8 attempts at 2 s span about 4 minutes).',
  ),
  QUEUE_ENQUEUE_TIMEOUT_MS: envInt(1000, 10).describe(
    'An enqueue that has not reached Redis by then fails, so a request never hangs on a sick queue store.',
  ),
} satisfies Record<string, z.ZodType>;

export type QueueConfig = z.output<z.ZodObject<typeof queueConfigShape>>;
