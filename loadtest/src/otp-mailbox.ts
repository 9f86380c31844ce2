// The one-time codes of the shop scenario, read where the API puts them: the `otp-code` jobs it enqueues
// for the mailer (the same source as test/support/api.ts lastOtpCode), but without scanning the queue per
// sign-in: one reader follows the queue's event stream (XREAD) and fetches each new otp-code job once,
// so thousands of sign-ins cost one Redis read each. Works with or without a worker draining the queue.
import { queueNames, queueProducerConnection, queueWorkerConnection } from '@avelon/core';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

export class OtpMailbox {
  readonly #events: QueueEvents;
  readonly #queue: Queue;
  readonly #codes = new Map<string, string>();
  readonly #waiting = new Map<string, (code: string) => void>();
  readonly #connections: Redis[];

  private constructor(queueRedisUrl: string, prefix: string) {
    // QueueEvents blocks on XREAD: it needs a connection of its own that retries forever.
    const blocking = queueWorkerConnection(queueRedisUrl, 'loadtest-otp-events');
    const reads = queueProducerConnection(queueRedisUrl, 'loadtest-otp');
    this.#connections = [blocking, reads];
    this.#events = new QueueEvents(queueNames.emails, { connection: blocking, prefix });
    this.#queue = new Queue(queueNames.emails, { connection: reads, prefix });
    this.#events.on('added', ({ jobId, name }) => {
      if (name === 'otp-code') void this.#fetch(jobId);
    });
  }

  /** Starts following the queue; codes of sign-ins requested before this are not seen. */
  static async open(queueRedisUrl: string, prefix: string): Promise<OtpMailbox> {
    const box = new OtpMailbox(queueRedisUrl, prefix);
    await box.#events.waitUntilReady();
    return box;
  }

  async #fetch(jobId: string): Promise<void> {
    const job = await this.#queue.getJob(jobId).catch(() => undefined);
    const data = job?.data as { email?: string; code?: string } | undefined;
    if (!data?.email || !data.code) return;
    const waiter = this.#waiting.get(data.email);
    if (waiter) {
      this.#waiting.delete(data.email);
      waiter(data.code);
    } else this.#codes.set(data.email, data.code);
  }

  /** The code mailed to `email` (the latest), waiting up to `timeoutMs` for it to be enqueued. */
  code(email: string, timeoutMs = 10_000): Promise<string> {
    const have = this.#codes.get(email);
    if (have) {
      this.#codes.delete(email);
      return Promise.resolve(have);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(email);
        reject(new Error(`no one-time code for ${email} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(email, (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  async close(): Promise<void> {
    await this.#events.close();
    await this.#queue.close();
    // BullMQ leaves connections it was given open.
    for (const c of this.#connections) c.disconnect();
  }
}
