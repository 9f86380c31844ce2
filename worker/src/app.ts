// Builds the worker process from its config: connections, ledger, mailer, one BullMQ Worker per
// consumed queue, metrics, and what its ops server serves. No listening: main.ts starts the ops server
// and handles signals; integration tests run it in-process.
import { hostname } from 'node:os';
import {
  DatabaseRouter,
  JobProducer,
  type Logger,
  type OpsServerOptions,
  processRegistry,
  type QueueName,
  queueProducerConnection,
  queueWorkerConnection,
} from '@avelon/core';
import { Queue, Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import type { WorkerConfig } from './config.ts';
import { jobHandlers } from './jobs/index.ts';
import { RedisLedger } from './ledger/redis-ledger.ts';
import type { Mailer } from './mail/mail.ts';
import { SmtpMailer } from './mail/smtp-mailer.ts';
import { JobMetrics } from './metrics/job-metrics.ts';
import { QueueDepth } from './metrics/queue-depth.ts';
import { type NotificationStore, PostgresNotificationStore } from './notifications/notification-store.ts';
import { OutboxGauges } from './outbox/pending.ts';
import { OutboxRelay } from './outbox/relay.ts';
import { createProcessor, type JobResult } from './processor.ts';
import { whenReady, within } from './redis-ready.ts';
import { closeWithin } from './shutdown.ts';

/** A running worker process. */
export interface WorkerApp {
  readonly registry: Registry;
  /** What the ops server serves for it: the queue Redis and the BullMQ workers as readiness checks. */
  readonly ops: Pick<OpsServerOptions, 'registry' | 'checks' | 'beforeMetrics'>;
  /**
   * Stops taking jobs, lets in-flight ones finish within WORKER_SHUTDOWN_TIMEOUT_MS, then closes every
   * connection. 'forced' when the time ran out (the unfinished jobs are recovered by stall detection).
   */
  stop(): Promise<'clean' | 'forced'>;
}

/** Replaceable parts, for tests. */
export interface WorkerAppOverrides {
  mailer?: Mailer;
  notifications?: NotificationStore;
}

/** Starts the worker: resolves once it consumes its queues (its readiness checks pass). */
export async function startWorkerApp(
  config: WorkerConfig,
  logger: Logger,
  overrides: WorkerAppOverrides = {},
): Promise<WorkerApp> {
  const registry = processRegistry();
  const queues = config.WORKER_QUEUES;

  // Jobs and the ledger wait out Redis outages (null retries); probes (readiness, depth) fail fast.
  const connection = queueWorkerConnection(config.REDIS_QUEUE_URL, 'worker');
  const probe = queueProducerConnection(config.REDIS_QUEUE_URL, 'worker-probe');
  const logRedisError = throttled(30_000, (error: Error) => logger.warn({ err: error.message }, 'queue redis error'));
  connection.on('error', logRedisError);
  probe.on('error', logRedisError);
  await Promise.all([whenReady(connection), whenReady(probe)]);

  const router =
    queues.includes('notifications') || config.WORKER_OUTBOX_RELAY
      ? // The worker only writes; replicas would be pools it never uses.
        new DatabaseRouter({
          config: { ...config, DATABASE_REPLICA_URLS: [] },
          registry,
          applicationName: 'avelon-worker',
        })
      : undefined;
  const mailer = overrides.mailer ?? new SmtpMailer(smtpOptions(config));
  const notifications = overrides.notifications ?? (router ? new PostgresNotificationStore(router) : unavailableStore);

  const processor = createProcessor({
    handlers: jobHandlers,
    ledger: new RedisLedger(connection, config.LEDGER_RETENTION_S * 1000),
    prefix: config.QUEUE_PREFIX,
    leaseMs: config.LEDGER_LEASE_MS,
    services: { mailer, notifications, messageIdDomain: config.MAIL_MESSAGE_ID_DOMAIN, siteUrl: config.APP_BASE_URL },
    onLeaseLost: (job, error) =>
      logger.warn(
        { jobId: job.id, kind: job.name, err: (error as Error | undefined)?.message },
        'ledger lease not renewed',
      ),
  });

  const metrics = new JobMetrics(registry);
  const workers = new Map<QueueName, Worker>();
  for (const queue of queues) {
    const worker = new Worker(queue, metrics.instrument(queue, processor), {
      connection,
      prefix: config.QUEUE_PREFIX,
      name: `${hostname()}:${process.pid}`,
      concurrency: queue === 'emails' ? config.WORKER_CONCURRENCY_EMAILS : config.WORKER_CONCURRENCY_NOTIFICATIONS,
      lockDuration: config.WORKER_LOCK_DURATION_MS,
      stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: config.WORKER_MAX_STALLED_COUNT,
      removeOnComplete: { age: config.WORKER_KEEP_COMPLETED_AGE_S, count: config.WORKER_KEEP_COMPLETED_COUNT },
      removeOnFail: { age: config.WORKER_KEEP_FAILED_AGE_S, count: config.WORKER_KEEP_FAILED_COUNT },
    });
    metrics.attach(queue, worker);
    worker.on('error', (error) => logger.error({ queue, err: error.message }, 'worker error'));
    worker.on('stalled', (jobId) =>
      logger.warn({ queue, jobId }, 'job stalled (its worker died or froze); back to wait'),
    );
    worker.on('lockRenewalFailed', (jobIds) => logger.warn({ queue, jobIds }, 'job lock not renewed'));
    worker.on('completed', (job, result: JobResult) =>
      logger.info({ queue, kind: job.name, jobId: job.id, outcome: result.outcome, detail: result.detail }, 'job done'),
    );
    worker.on('failed', (job, error) =>
      logger.warn(
        { queue, kind: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: error.message },
        error.name === 'UnrecoverableError' ? 'job failed for good' : 'job attempt failed',
      ),
    );
    workers.set(queue, worker);
  }
  await Promise.all([...workers.values()].map((w) => w.waitUntilReady()));

  const depthQueues = new Map(
    queues.map((q) => {
      const queue = new Queue(q, { connection: probe, prefix: config.QUEUE_PREFIX });
      queue.on('error', logRedisError);
      return [q, queue];
    }),
  );
  const depth = new QueueDepth(registry, depthQueues);
  const outbox = router && config.WORKER_OUTBOX_RELAY ? startOutboxRelay(config, router, registry, logger) : undefined;
  let stopping = false;
  const checks: OpsServerOptions['checks'] = {
    // The fail-fast probe connection: the job connection would wait the outage out instead of answering.
    'redis-queue': () =>
      probe.ping().catch((error: Error) => Promise.reject(new Error(`unreachable: ${error.message}`))),
    workers: async () => {
      if (stopping) throw new Error('stopping');
      const stopped = [...workers.keys()].filter((q) => !workers.get(q)?.isRunning());
      if (stopped.length) throw new Error(`not running: ${stopped.join(',')}`);
    },
  };
  logger.info({ queues, prefix: config.QUEUE_PREFIX, outboxRelay: !!outbox }, 'worker started');

  return {
    registry,
    ops: {
      registry,
      checks,
      beforeMetrics: () =>
        within(2000, 'queue depth and outbox', Promise.all([depth.refresh(), outbox?.gauges.refresh()])).then(() => {}),
    },
    async stop() {
      stopping = true;
      const result = await closeWithin(config.WORKER_SHUTDOWN_TIMEOUT_MS, () =>
        Promise.all([...workers.values()].map((w) => w.close()).concat(outbox ? [outbox.relay.stop()] : [])),
      );
      if (result === 'forced') logger.warn('in-flight jobs did not finish in time; they will be recovered as stalled');
      // After a forced stop these may wait on the jobs still running; the bound keeps exit prompt.
      await within(
        2000,
        'close connections',
        Promise.allSettled([
          ...[...depthQueues.values()].map((q) => q.close()),
          router?.close(),
          Promise.resolve(mailer.close()),
          outbox?.close(),
        ]),
      ).catch(() => {});
      connection.disconnect();
      probe.disconnect();
      return result;
    },
  };
}

/**
 * The outbox relay on its own fail-fast producer connection (an enqueue must fail within
 * QUEUE_ENQUEUE_TIMEOUT_MS during an outage, not wait it out like the BullMQ workers).
 */
function startOutboxRelay(config: WorkerConfig, router: DatabaseRouter, registry: Registry, logger: Logger) {
  const connection = queueProducerConnection(config.REDIS_QUEUE_URL, 'worker-outbox');
  const quiet = () => {}; // the probe connection already reports queue Redis errors
  connection.on('error', quiet);
  const producer = new JobProducer({ connection, config, registry, onError: quiet });
  const relay = new OutboxRelay({
    db: router.primary,
    producer,
    registry,
    logger,
    intervalMs: config.WORKER_OUTBOX_INTERVAL_MS,
    batchSize: config.WORKER_OUTBOX_BATCH_SIZE,
    // A lease shorter than a pass would let another relay take rows still being enqueued.
    leaseMs: Math.max(config.WORKER_OUTBOX_LEASE_MS, 2 * config.QUEUE_ENQUEUE_TIMEOUT_MS),
    backoffMs: config.WORKER_OUTBOX_BACKOFF_MS,
    backoffMaxMs: config.WORKER_OUTBOX_BACKOFF_MAX_MS,
  });
  relay.start();
  return {
    relay,
    gauges: new OutboxGauges(registry, router.primary),
    async close() {
      await producer.close();
      connection.disconnect();
    },
  };
}

function smtpOptions(config: WorkerConfig) {
  return {
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    requireTls: config.SMTP_REQUIRE_TLS,
    user: config.SMTP_USER,
    password: config.SMTP_PASSWORD,
    maxConnections: config.SMTP_POOL_MAX_CONNECTIONS,
    maxMessages: config.SMTP_POOL_MAX_MESSAGES,
    connectionTimeoutMs: config.SMTP_CONNECTION_TIMEOUT_MS,
    greetingTimeoutMs: config.SMTP_GREETING_TIMEOUT_MS,
    socketTimeoutMs: config.SMTP_SOCKET_TIMEOUT_MS,
    from: config.MAIL_FROM,
  };
}

// A process that does not consume the notifications queue never runs its jobs; this makes a mistake loud.
const unavailableStore: NotificationStore = {
  insert: () => Promise.reject(new Error('this process does not consume the notifications queue')),
};

/** Calls `fn` at most once per `ms` (a Redis outage reports an error per reconnect attempt). */
function throttled<A extends unknown[]>(ms: number, fn: (...args: A) => void): (...args: A) => void {
  let last = 0;
  return (...args) => {
    const now = Date.now();
    if (now - last < ms) return;
    last = now;
    fn(...args);
  };
}
