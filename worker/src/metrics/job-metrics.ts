import { metric, metricCatalog, type QueueName } from '@avelon/core';
import type { Job, Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import type { JobResult, ProcessableJob } from '../processor.ts';

type Processor = (job: Job, token?: string) => Promise<JobResult>;

/**
 * Per-job metrics of one process: wait time (enqueue to first start), processing time per attempt,
 * outcomes. Names come from core's catalog.
 */
export class JobMetrics {
  readonly #wait;
  readonly #duration;
  readonly #completed;
  readonly #failed;
  readonly #deferred;

  constructor(registry: Registry) {
    this.#wait = metric(registry, metricCatalog.queueWaitSeconds);
    this.#duration = metric(registry, metricCatalog.queueJobDurationSeconds);
    this.#completed = metric(registry, metricCatalog.queueJobsCompleted);
    this.#failed = metric(registry, metricCatalog.queueJobsFailed);
    this.#deferred = metric(registry, metricCatalog.queueJobsDeferred);
  }

  /** Wraps the processor of `queue` to time every attempt and count deferrals. */
  instrument(queue: QueueName, processor: (job: ProcessableJob, token?: string) => Promise<JobResult>): Processor {
    return async (job, token) => {
      const wait = firstWaitSeconds(job);
      if (wait !== undefined) this.#wait.labels(queue, job.name).observe(wait);
      const end = this.#duration.labels(queue, job.name).startTimer();
      try {
        return await processor(job, token);
      } catch (error) {
        if ((error as Error)?.name === 'DelayedError') this.#deferred.labels(queue, job.name).inc();
        throw error;
      } finally {
        end();
      }
    };
  }

  /** Counts the outcomes `worker` reports. */
  attach(queue: QueueName, worker: Worker): void {
    worker.on('completed', (job, result: JobResult | undefined) => {
      this.#completed.labels(queue, job.name, result?.outcome ?? 'done').inc();
    });
    worker.on('failed', (job, error) => {
      this.#failed.labels(queue, job?.name ?? 'unknown', String(isFinalFailure(job, error))).inc();
    });
  }
}

/**
 * Seconds between the moment a job could first run (enqueued, plus its delay) and the start of its
 * first attempt; undefined for later attempts, whose wait is backoff rather than queueing.
 */
export function firstWaitSeconds(
  job: Pick<Job, 'timestamp' | 'processedOn' | 'attemptsStarted' | 'opts'>,
): number | undefined {
  if (job.attemptsStarted > 1 || job.processedOn === undefined) return undefined;
  const readyAt = job.timestamp + (job.opts?.delay ?? 0);
  return Math.max(0, job.processedOn - readyAt) / 1000;
}

/** True when a failed attempt leaves the job failed for good. */
export function isFinalFailure(job: Pick<Job, 'attemptsMade' | 'opts'> | undefined, error: Error): boolean {
  if (!job || error.name === 'UnrecoverableError') return true;
  return job.attemptsMade >= (job.opts?.attempts ?? 1);
}
