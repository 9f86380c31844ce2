// What the worker's integration tests share: a private queue prefix per test, the mail sink, the
// producer and queue handles on the test stack's queue Redis, and the worker in this process (with its
// ops server) or as a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createLogger,
  JobProducer,
  jobEntityKey,
  type QueueName,
  queueNames,
  queueProducerConnection,
  queueWorkerConnection,
  startOpsServer,
} from '@avelon/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type MailSink, startMailSink } from '../../scripts/mail-sink/sink.ts';
import { startWorkerApp, type WorkerApp, type WorkerAppOverrides } from '../../worker/src/app.ts';
import { loadWorkerConfig, type WorkerConfig } from '../../worker/src/config.ts';
import { ledgerKey } from '../../worker/src/ledger/ledger.ts';
import { RedisLedger } from '../../worker/src/ledger/redis-ledger.ts';
import { messageIdFor } from '../../worker/src/mail/message-id.ts';
import { eventually, repoRoot, stack } from './stack.ts';

/** A queue prefix of its own, so a test never sees another test's jobs or ledger records. */
export function testPrefix(name: string): string {
  return `t-${name}-${randomUUID().slice(0, 8)}`;
}

/** The environment a worker needs to run against the test stack and `sink`, plus `overrides`. */
export function workerEnv(
  prefix: string,
  sink: MailSink,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    REDIS_QUEUE_URL: stack.REDIS_QUEUE_URL,
    DATABASE_URL: stack.DATABASE_URL,
    DATABASE_REPLICA_URLS: '',
    QUEUE_PREFIX: prefix,
    QUEUE_BACKOFF_MS: '100',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sink.smtpPort),
    MAIL_MESSAGE_ID_DOMAIN: 'test.avelon',
    APP_BASE_URL: 'http://shop.test',
    LOG_LEVEL: 'warn',
    OPS_PORT: '0',
    // The outbox table is shared by every test, the queue prefix is not: a relay would move other
    // tests' rows into this test's queues. The outbox tests turn it on.
    WORKER_OUTBOX_RELAY: 'false',
    ...overrides,
  };
}

/** The worker config for an in-process worker (same keys as the child's environment). */
export function workerConfig(prefix: string, sink: MailSink, overrides: Record<string, string> = {}): WorkerConfig {
  return loadWorkerConfig(workerEnv(prefix, sink, overrides));
}

/** An in-process worker and its ops server on a free port (`port`), as worker/src/main.ts runs them. */
export interface RunningWorker extends WorkerApp {
  readonly port: number;
}

/** Starts the worker in this process with its ops server; stop() stops both. */
export async function startWorker(
  config: WorkerConfig,
  level = 'silent',
  overrides: WorkerAppOverrides = {},
): Promise<RunningWorker> {
  const logger = createLogger({ service: 'worker', level });
  const app = await startWorkerApp(config, logger, overrides);
  const ops = await startOpsServer({ host: '127.0.0.1', port: 0, logger, ...app.ops });
  return {
    ...app,
    port: ops.port,
    async stop() {
      ops.drain();
      const result = await app.stop();
      await ops.close();
      return result;
    },
  };
}

/** A sink on free ports; closed by the caller after the workers that talk to it. */
export function startSink(): Promise<MailSink> {
  return startMailSink({ smtpPort: 0, httpPort: 0 });
}

/** Producer and inspection handles on the queues of `prefix`; `close()` also deletes the prefix's keys. */
export function queueHandles(prefix: string, attempts = 5) {
  const connection = queueProducerConnection(stack.REDIS_QUEUE_URL, 'test-producer');
  // Inspection tolerates a Redis restart (health test) by waiting instead of failing.
  const admin = queueWorkerConnection(stack.REDIS_QUEUE_URL, 'test-admin');
  const quiet = () => {};
  connection.on('error', quiet);
  admin.on('error', quiet);
  const producer = new JobProducer({
    onError: quiet,
    connection,
    config: {
      QUEUE_PREFIX: prefix,
      QUEUE_JOB_ATTEMPTS: attempts,
      QUEUE_BACKOFF_MS: 100,
      QUEUE_ENQUEUE_TIMEOUT_MS: 5000,
    },
  });
  const queues = Object.fromEntries(
    Object.values(queueNames).map((name) => [name, new Queue(name, { connection: admin, prefix }).on('error', quiet)]),
  ) as Record<QueueName, Queue>;
  return {
    producer,
    queues,
    admin,
    async close() {
      await producer.close();
      await Promise.all(Object.values(queues).map((q) => q.close()));
      await deleteKeys(admin, `${prefix}:*`);
      connection.disconnect();
      admin.disconnect();
    },
  };
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** How many messages the sink holds per Message-ID. */
export async function countByMessageId(sink: MailSink): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const m of await sink.store.list()) {
    const id = m.messageId ?? '(none)';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** A worker running as its own process (`node worker/src/main.ts`), as in production. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed, for failure messages. */
  output(): string;
}

/** Starts a worker process and waits until its /readyz answers 200. */
export async function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['worker/src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env, OPS_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  await eventually(
    `worker on port ${port} ready`,
    async () => dead || (await fetch(`http://127.0.0.1:${port}/readyz`)).ok,
    20_000,
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n${out}`);
  });
  if (dead) throw new Error(`worker exited before it was ready:\n${out}`);
  return { child, port, exited, output: () => out };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls until `count()` reaches `want`, or fails naming what it saw last. */
export async function waitForCount(what: string, count: () => Promise<number>, want: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    last = await count();
    if (last >= want) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${last} of ${want}`);
    await sleep(100);
  }
}

/** Enqueues `count` order confirmations (order ids from `firstOrderId`), a bounded number at a time. */
export async function enqueueOrders(producer: JobProducer, count: number, firstOrderId = 1): Promise<string[]> {
  const messageIds: string[] = [];
  for (let start = 0; start < count; start += 200) {
    const batch = Array.from({ length: Math.min(200, count - start) }, (_, i) => firstOrderId + start + i);
    await Promise.all(
      batch.map((orderId) =>
        producer.enqueue('order-confirmation', {
          orderId,
          orderNumber: 100_000 + orderId,
          userId: 1,
          email: `buyer${orderId}@example.test`,
        }),
      ),
    );
    for (const orderId of batch) {
      messageIds.push(
        messageIdFor(
          'order-confirmation',
          jobEntityKey('order-confirmation', { orderId, orderNumber: 1, userId: 1, email: '' }),
          'test.avelon',
        ),
      );
    }
  }
  return messageIds;
}

/** What the sink holds for the expected Message-IDs, checked against the ledger's takeover marks. */
export interface DeliveryReport {
  missing: string[];
  /** Message-IDs delivered more than once. */
  duplicates: string[];
  /** Jobs whose claim was taken over from a dead attempt: the only ones that may be duplicates. */
  takenOver: Set<string>;
}

/**
 * Counts each expected mail at the sink and reads each job's ledger record. Every mail must be there,
 * and a mail may be there twice only if its job was taken over from an attempt that died between the
 * SMTP send and the ledger write (the window docs/workers.md describes).
 */
export async function deliveryReport(
  sink: MailSink,
  redis: Redis,
  prefix: string,
  messageIds: string[],
  firstOrderId = 1,
) {
  const counts = await countByMessageId(sink);
  const ledger = new RedisLedger(redis, 60_000);
  const takenOver = new Set<string>();
  await Promise.all(
    messageIds.map(async (id, i) => {
      const record = await ledger.inspect(ledgerKey(prefix, 'order-confirmation', `order-${firstOrderId + i}`));
      if (record?.tookOver) takenOver.add(id);
    }),
  );
  return {
    missing: messageIds.filter((id) => !counts.has(id)),
    duplicates: messageIds.filter((id) => (counts.get(id) ?? 0) > 1),
    takenOver,
  } satisfies DeliveryReport;
}
