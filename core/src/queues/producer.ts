import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { metricCatalog } from '../metrics/catalog.ts';
import { metric } from '../metrics/registry.ts';
import type { QueueConfig } from './config.ts';
import { type JobKind, type JobPayload, jobId, jobPayloads, jobQueue, type QueueName } from './contracts.ts';

/** A payload that does not match its kind's schema: a bug in the caller, never worth retrying. */
export class InvalidJobPayloadError extends Error {
  readonly kind: string;
  constructor(kind: string, cause: unknown) {
    super(`invalid payload for job kind "${kind}"`, { cause });
    this.name = 'InvalidJobPayloadError';
    this.kind = kind;
  }
}

/** The queue store did not take the job in time (unreachable, or not connected yet). Safe to retry. */
export class QueueUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'QueueUnavailableError';
  }
}

export interface JobProducerOptions {
  /** A fail-fast connection (`queueProducerConnection`), so a request never hangs on a dead queue store. */
  connection: Redis;
  config: QueueConfig;
  /** Counts enqueued jobs by queue and kind when given. */
  registry?: Registry;
  /** Errors the queue handles report in the background (reconnects); without a listener they would crash. */
  onError?: (error: Error) => void;
}

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
}

/** What `enqueue` did: the id is derived from the payload, so the same entity always maps to it. */
export interface EnqueuedJob {
  queue: QueueName;
  jobId: string;
}

/**
 * Puts jobs on their queues for the worker. Every payload is validated with its kind's schema before
 * Redis is touched, and the BullMQ job id is derived from the kind and entity (`jobId`), so a retried
 * request that enqueues the same job again adds nothing while the first is still stored; the worker's
 * idempotency ledger covers the time after.
 */
export class JobProducer {
  readonly #connection: Redis;
  readonly #config: QueueConfig;
  readonly #onError: (error: Error) => void;
  readonly #queues = new Map<QueueName, Promise<Queue>>();
  readonly #built = new Set<Queue>();
  #closed = false;
  readonly #enqueued;

  constructor(options: JobProducerOptions) {
    this.#connection = options.connection;
    this.#config = options.config;
    this.#onError = options.onError ?? (() => {});
    this.#enqueued = options.registry ? metric(options.registry, metricCatalog.queueJobsEnqueued) : undefined;
  }

  /**
   * Validates `payload` and adds the job. Rejects with InvalidJobPayloadError on a bad payload, and with
   * QueueUnavailableError when Redis has not taken the job within QUEUE_ENQUEUE_TIMEOUT_MS.
   */
  async enqueue<K extends JobKind>(
    kind: K,
    payload: JobPayload<K>,
    options: EnqueueOptions = {},
  ): Promise<EnqueuedJob> {
    if (this.#closed) throw new QueueUnavailableError('the producer is closed');
    const parsed = jobPayloads[kind].safeParse(payload);
    if (!parsed.success) throw new InvalidJobPayloadError(kind, parsed.error);
    const data = parsed.data as JobPayload<K>;
    const queue = jobQueue[kind];
    const id = jobId(kind, data);
    await this.#withinTimeout(`enqueue ${id}`, async () => {
      const q = await this.#queue(queue);
      await q.add(kind, data, this.jobOptions(id, options));
    });
    this.#enqueued?.labels(queue, kind).inc();
    return { queue, jobId: id };
  }

  /** The BullMQ options every job gets: its derived id and the retry policy. */
  jobOptions(id: string, options: EnqueueOptions = {}): JobsOptions {
    return {
      jobId: id,
      attempts: this.#config.QUEUE_JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.#config.QUEUE_BACKOFF_MS },
      ...(options.delayMs ? { delay: options.delayMs } : {}),
    };
  }

  /** Closes the queue handles; the connection belongs to the caller and stays open. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#queues.clear();
    await Promise.all([...this.#built].map((q) => q.close()));
    this.#built.clear();
  }

  // BullMQ reads the server version when a Queue is built; on a connection without an offline queue
  // that read fails unless the connection is ready, and the Queue stays broken. So a Queue is built
  // only on a ready connection, and a Queue whose start failed is dropped and rebuilt next time.
  #queue(name: QueueName): Promise<Queue> {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = this.#openQueue(name);
      this.#queues.set(name, queue);
      queue.catch(() => this.#queues.delete(name));
    }
    return queue;
  }

  async #openQueue(name: QueueName): Promise<Queue> {
    await this.#connectionReady();
    if (this.#closed) throw new QueueUnavailableError('the producer is closed');
    const queue = new Queue(name, { connection: this.#connection, prefix: this.#config.QUEUE_PREFIX });
    queue.on('error', this.#onError);
    this.#built.add(queue);
    try {
      await queue.waitUntilReady();
      return queue;
    } catch (error) {
      this.#built.delete(queue);
      await queue.close().catch(() => {});
      throw error;
    }
  }

  async #connectionReady(): Promise<void> {
    const c = this.#connection;
    if (c.status === 'ready') return;
    if (c.status === 'wait') c.connect().catch(() => {});
    await new Promise<void>((resolve) => {
      const check = () => {
        if (c.status !== 'ready') return;
        c.off('ready', check);
        resolve();
      };
      c.on('ready', check);
      check();
    });
  }

  async #withinTimeout(what: string, run: () => Promise<void>): Promise<void> {
    const ms = this.#config.QUEUE_ENQUEUE_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new QueueUnavailableError(`${what}: no answer from the queue store in ${ms} ms`)),
        ms,
      );
    });
    try {
      await Promise.race([run(), timeout]);
    } catch (error) {
      if (error instanceof QueueUnavailableError) throw error;
      throw new QueueUnavailableError(`${what}: ${(error as Error).message}`, error);
    } finally {
      clearTimeout(timer);
    }
  }
}
