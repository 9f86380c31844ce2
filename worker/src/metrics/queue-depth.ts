import { metric, metricCatalog, type QueueName } from '@avelon/core';
import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';

/** The states the depth gauge reports; together they are the backlog the operator sizes workers by. */
export const depthStates = ['waiting', 'prioritized', 'delayed', 'active', 'failed'] as const;

/**
 * Queue-wide gauges read from Redis when /metrics is scraped: jobs by state (BullMQ getJobCounts) and
 * the age of the oldest waiting job. Every replica reports the same values (aggregate with max).
 */
export class QueueDepth {
  readonly #queues: ReadonlyMap<QueueName, Queue>;
  readonly #jobs;
  readonly #oldest;

  constructor(registry: Registry, queues: ReadonlyMap<QueueName, Queue>) {
    this.#queues = queues;
    this.#jobs = metric(registry, metricCatalog.queueJobs);
    this.#oldest = metric(registry, metricCatalog.queueOldestWaitingSeconds);
  }

  /** Reads every queue now; on a Redis error the gauges keep their last values. */
  async refresh(now = Date.now()): Promise<void> {
    await Promise.all(
      [...this.#queues].map(async ([name, queue]) => {
        const counts = await queue.getJobCounts(...depthStates);
        for (const state of depthStates) this.#jobs.labels(name, state).set(counts[state] ?? 0);
        // asc: the head of the wait list, the job that has waited longest.
        const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
        const readyAt = oldest ? oldest.timestamp + (oldest.opts?.delay ?? 0) : now;
        this.#oldest.labels(name).set(Math.max(0, now - readyAt) / 1000);
      }),
    );
  }
}
