import { defineMetric as def } from '../define.ts';

/**
 * Queues: depth, wait and processing time, outcomes (worker/ and the producer in core/src/queues).
 * The depth and age gauges describe the whole queue, so every worker replica reports the same value:
 * aggregate them with max(), not sum(). The operator sizes workers from these (Little's law).
 */
export const queueMetrics = {
  queueJobs: def({
    name: 'avelon_queue_jobs',
    type: 'gauge',
    help: 'Jobs in a queue by state (waiting, prioritized, delayed, active, failed), read from Redis at scrape time.',
    labelNames: ['queue', 'state'],
  }),
  queueOldestWaitingSeconds: def({
    name: 'avelon_queue_oldest_waiting_seconds',
    type: 'gauge',
    help: 'Age of the oldest job waiting to start (0 when none waits), read from Redis at scrape time.',
    labelNames: ['queue'],
  }),
  queueWaitSeconds: def({
    name: 'avelon_queue_wait_seconds',
    type: 'histogram',
    help: 'Time from when a job could first run (enqueue plus any delay) to the start of its first attempt.',
    labelNames: ['queue', 'kind'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  }),
  queueJobDurationSeconds: def({
    name: 'avelon_queue_job_duration_seconds',
    type: 'histogram',
    help: 'Processing time of one attempt of a job, whatever its outcome.',
    labelNames: ['queue', 'kind'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  }),
  queueJobsCompleted: def({
    name: 'avelon_queue_jobs_completed_total',
    type: 'counter',
    help: 'Jobs completed, by outcome: done (the effect happened now) or duplicate (the idempotency ledger had it already).',
    labelNames: ['queue', 'kind', 'outcome'],
  }),
  queueJobsFailed: def({
    name: 'avelon_queue_jobs_failed_total',
    type: 'counter',
    help: 'Failed attempts; final="true" when the job stays failed (no attempts left, or an unrecoverable error).',
    labelNames: ['queue', 'kind', 'final'],
  }),
  queueJobsDeferred: def({
    name: 'avelon_queue_jobs_deferred_total',
    type: 'counter',
    help: 'Attempts put back because another attempt holds the idempotency claim of the same job (no attempt is used up).',
    labelNames: ['queue', 'kind'],
  }),
  queueJobsEnqueued: def({
    name: 'avelon_queue_jobs_enqueued_total',
    type: 'counter',
    help: 'Jobs handed to the queue by producers (a duplicate of a job still stored is counted but adds nothing).',
    labelNames: ['queue', 'kind'],
  }),
};
