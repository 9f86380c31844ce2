// The API's only door to the job queues: core's JobProducer (shared with the worker, so queue names,
// key prefix, payload schemas and job ids agree by construction) on a fail-fast connection to the
// queue Redis. No worker code runs in the API process.
import { type JobKind, type JobPayload, JobProducer, type QueueConfig, queueProducerConnection } from '@avelon/core';
import type { Registry } from 'prom-client';

/** Enqueues one job; the same kind about the same entity is the same job (a retry adds nothing). */
export interface ApiJobs {
  enqueue<K extends JobKind>(kind: K, payload: JobPayload<K>): Promise<void>;
  /** True when the queue Redis answers (/readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export function createJobProducer(queueRedisUrl: string, config: QueueConfig, registry: Registry): ApiJobs {
  const connection = queueProducerConnection(queueRedisUrl, 'api-queue-producer');
  // Reconnects are reported by /readyz; an unhandled 'error' event would crash the process.
  connection.on('error', () => {});
  const producer = new JobProducer({ connection, config, registry });
  return {
    async enqueue(kind, payload) {
      await producer.enqueue(kind, payload);
    },
    async ping() {
      try {
        return (await connection.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await producer.close();
      connection.disconnect();
    },
  };
}
