// The worker's one config: every option with its default and a line of why, validated once at start-up.
import {
  databaseConfigShape,
  envBool,
  envInt,
  envList,
  envLogLevel,
  envUrl,
  loadConfig,
  opsConfigShape,
  type QueueName,
  queueConfigShape,
  queueNames,
  redisConfigShape,
} from '@avelon/core';
import { z } from 'zod';

const queueList = envList(Object.values(queueNames).join(',')).pipe(
  z.array(z.enum(Object.values(queueNames) as [QueueName, ...QueueName[]])).min(1),
);

export const workerConfigShape = {
  // The worker serves nothing else: its one port is the ops server's.
  ...opsConfigShape(15411, ' (make up sets it from AVELON_WORKER_PORT)'),
  LOG_LEVEL: envLogLevel().describe(
    'pino log level; info logs one line per finished job, warn only retries and failures.',
  ),
  REDIS_QUEUE_URL: redisConfigShape.REDIS_QUEUE_URL,
  ...queueConfigShape,
  ...databaseConfigShape,

  WORKER_QUEUES: queueList.describe('Queues this process consumes, comma-separated (scale each on its own).'),
  WORKER_CONCURRENCY_EMAILS: envInt(16, 1, 1000).describe(
    'Jobs of the emails queue one process runs at once (mostly waiting on SMTP).',
  ),
  WORKER_CONCURRENCY_NOTIFICATIONS: envInt(8, 1, 1000).describe(
    'Jobs of the notifications queue one process runs at once (each holds a database connection briefly).',
  ),
  WORKER_LOCK_DURATION_MS: envInt(30_000, 500).describe(
    'A job lock not renewed for this long (crashed or frozen worker) lets the job be run again.',
  ),
  WORKER_STALLED_INTERVAL_MS: envInt(30_000, 500).describe(
    'How often each worker looks for jobs whose lock expired and puts them back to wait.',
  ),
  WORKER_MAX_STALLED_COUNT: envInt(2, 0, 100).describe(
    'Times a job may be recovered from a dead worker before it fails for good (the ledger makes re-runs safe).',
  ),
  WORKER_SHUTDOWN_TIMEOUT_MS: envInt(25_000, 100).describe(
    'On SIGTERM, how long in-flight jobs may take to finish before the process leaves them to stall recovery; keep it under the pod grace period.',
  ),
  WORKER_KEEP_COMPLETED_COUNT: envInt(1000, 0).describe('Completed jobs kept in Redis for inspection.'),
  WORKER_KEEP_COMPLETED_AGE_S: envInt(3600, 0).describe('Completed jobs older than this are removed (seconds).'),
  WORKER_KEEP_FAILED_COUNT: envInt(50_000, 1).describe('Failed jobs kept with their reason, for inspection and retry.'),
  WORKER_KEEP_FAILED_AGE_S: envInt(14 * 24 * 3600, 60).describe('Failed jobs older than this are removed (seconds).'),

  LEDGER_LEASE_MS: envInt(15_000, 100).describe(
    'How long an attempt owns a job before its effect is recorded; renewed while alive, so it only bounds recovery from a crash.',
  ),
  LEDGER_RETENTION_S: envInt(30 * 24 * 3600, 60).describe(
    'How long a done record is kept: a duplicate enqueue within it sends nothing (seconds).',
  ),

  WORKER_OUTBOX_RELAY: envBool(true).describe(
    'Run the outbox relay here: it enqueues jobs the API committed but could not enqueue. Safe on every replica (rows are claimed with SKIP LOCKED).',
  ),
  WORKER_OUTBOX_INTERVAL_MS: envInt(1000, 50, 600_000).describe(
    'How often the relay looks for due outbox rows (±20 % so replicas drift apart); a full batch is followed at once.',
  ),
  WORKER_OUTBOX_BATCH_SIZE: envInt(100, 1, 1000).describe('Outbox rows one relay pass claims and enqueues at once.'),
  WORKER_OUTBOX_LEASE_MS: envInt(30_000, 1000).describe(
    'A claimed row is hidden from other relays this long (kept above twice QUEUE_ENQUEUE_TIMEOUT_MS); it only delays a row whose relay died mid-pass.',
  ),
  WORKER_OUTBOX_BACKOFF_MS: envInt(1000, 10).describe(
    'Wait before retrying an outbox row whose enqueue failed; doubles per attempt (±20 % jitter).',
  ),
  WORKER_OUTBOX_BACKOFF_MAX_MS: envInt(60_000, 10).describe(
    'Longest wait between two relay attempts of one outbox row.',
  ),

  SMTP_HOST: z.string().min(1).default('127.0.0.1').describe('SMTP server host.'),
  SMTP_PORT: envInt(15406, 1, 65535).describe('SMTP server port (make up: AVELON_SMTP_PORT, the local sink).'),
  SMTP_SECURE: envBool(false).describe('TLS from the first byte (port 465); otherwise STARTTLS when offered.'),
  SMTP_REQUIRE_TLS: envBool(false).describe('Refuse to send over a connection that could not be upgraded to TLS.'),
  SMTP_USER: z.string().default('').describe('SMTP user; empty sends without authentication.'),
  SMTP_PASSWORD: z.string().default('').describe('SMTP password (from a secret).'),
  SMTP_POOL_MAX_CONNECTIONS: envInt(5, 1, 100).describe('Pooled SMTP connections per process.'),
  SMTP_POOL_MAX_MESSAGES: envInt(100, 1).describe('Messages per pooled connection before it is recycled.'),
  SMTP_CONNECTION_TIMEOUT_MS: envInt(10_000, 100).describe(
    'How long to wait for the TCP connection to the SMTP server.',
  ),
  SMTP_GREETING_TIMEOUT_MS: envInt(10_000, 100).describe('How long to wait for the SMTP greeting after connecting.'),
  SMTP_SOCKET_TIMEOUT_MS: envInt(30_000, 100).describe(
    'An SMTP connection silent for this long is dropped and the send retried.',
  ),
  MAIL_FROM: z.string().min(3).default('Avelon <no-reply@avelon.local>').describe('From header and envelope sender.'),
  MAIL_MESSAGE_ID_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/)
    .default('avelon.local')
    .describe('Right-hand side of the Message-ID derived from each job, so receivers can drop a duplicate.'),
  APP_BASE_URL: envUrl('http://127.0.0.1:15410').describe('Shop address that links in mails point to.'),
} satisfies Record<string, z.ZodType>;

export type WorkerConfig = z.output<z.ZodObject<typeof workerConfigShape>>;

/** Validates the environment into the worker's config, reporting every bad key at once (ConfigError). */
export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  return loadConfig(workerConfigShape, env);
}
