// Helpers of the API integration tests: an app in this process (inject, with its ops server on a free
// port), API processes as real children (`node api/src/main.ts`), rows made directly in the database,
// and sign-in.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createLogger, type OpsServer, queueNames, queueProducerConnection, startOpsServer } from '@avelon/core';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../api/src/app.ts';
import { loadApiConfig } from '../../api/src/config.ts';
import { apiOps } from '../../api/src/ops.ts';
import { repoRoot, stack } from './stack.ts';

/** Limits high enough that only the tests about limits meet them. */
export const relaxedLimits = {
  RATE_LIMIT_GENERAL_MAX: '1000000',
  RATE_LIMIT_AUTH_MAX: '1000000',
  RATE_LIMIT_AUTH_EMAIL_MAX: '1000000',
  RATE_LIMIT_CHECKOUT_MAX: '1000000',
  RATE_LIMIT_WRITES_MAX: '1000000',
};

/**
 * The cache warmer off: tests share one cache Redis, and a warm-up replaying earlier tests' popular URLs
 * in the background would move the counters and cache sources other tests assert on. The warmer's own
 * test (cache-warming.test.ts) turns it on.
 */
export const quietCache = { CACHE_WARM_KEYS: '0' };

export interface TestApp {
  /** The app, with its services as decorators (app.db, app.cacheRedis, app.sessions, ...). */
  app: Awaited<ReturnType<typeof buildApp>>;
  /** Its ops server (/readyz, /metrics, /docs) on a free loopback port, as main.ts serves it. */
  ops: OpsServer;
  close(): Promise<void>;
}

/** The API built in this process, for app.inject(); env overrides on top of the stack's. */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadApiConfig({ ...process.env, LOG_LEVEL: 'silent', ...relaxedLimits, ...quietCache, ...env });
  const logger = createLogger({ service: 'api', level: config.LOG_LEVEL });
  const app = await buildApp(config, logger);
  await app.ready();
  const ops = await startOpsServer({ host: '127.0.0.1', port: 0, logger, ...apiOps(app) });
  return {
    app,
    ops,
    close: async () => {
      await ops.close();
      await app.close();
    },
  };
}

export interface ApiProcess {
  url: string;
  /** Its ops server: /livez, /readyz, /metrics, /docs. */
  opsUrl: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `node api/src/main.ts` as a child process on free ports; resolves once both listen. */
export async function spawnApi(env: Record<string, string> = {}): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['api/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...relaxedLimits, ...quietCache, PORT: '0', OPS_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const { url, opsUrl } = await new Promise<{ url: string; opsUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      // The ops server's start-up line (core's startOpsServer).
      const opsUrl = /"ops":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1];
      if (url && opsUrl) {
        clearTimeout(timer);
        resolve({ url, opsUrl });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`API exited with ${code}:\n${output}`)));
  });
  return {
    url,
    opsUrl,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

let pool: pg.Pool | undefined;
/** The primary directly (not through PgBouncer): fixtures and checks of the tests. */
export function db(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({ connectionString: stack.DATABASE_MIGRATION_URL, max: 4 });
    // Fault tests restart servers: an idle connection dropping is expected, not a crash.
    pool.on('error', () => {});
  }
  return pool;
}

let replicaPool: pg.Pool | undefined;

export async function closeDb(): Promise<void> {
  await pool?.end();
  await replicaPool?.end();
  pool = undefined;
  replicaPool = undefined;
}

/**
 * Waits until the replica has replayed everything written so far. Fixtures are written straight to the
 * primary, outside the API's read-your-writes bookkeeping; without this, the API could read a replica
 * that does not have them yet (and cache the absence).
 */
export async function replicaCaughtUp(): Promise<void> {
  const url = stack.DATABASE_REPLICA_URLS[0];
  if (!url) return;
  if (!replicaPool) {
    replicaPool = new pg.Pool({ connectionString: url, max: 1 });
    replicaPool.on('error', () => {});
  }
  const { rows } = await db().query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  const target = rows[0]?.lsn;
  for (let i = 0; i < 500; i++) {
    const r = await replicaPool.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [target]);
    if (r.rows[0]?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the replica did not replay ${target} within 5 s`);
}

/** A name no other test run uses. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function createUser(role: 'customer' | 'admin' = 'customer', banned = false) {
  const email = `${unique(role)}@test.avelon.local`;
  const { rows } = await db().query<{ id: string }>(
    'INSERT INTO users (email, role, is_banned, is_email_verified) VALUES ($1, $2, $3, true) RETURNING id',
    [email, role, banned],
  );
  await replicaCaughtUp();
  return { id: Number(rows[0]?.id), email, role };
}

export async function createBrand() {
  const slug = unique('brand');
  const { rows } = await db().query<{ id: string }>('INSERT INTO brands (slug, title) VALUES ($1, $2) RETURNING id', [
    slug,
    `Brand ${slug}`,
  ]);
  await replicaCaughtUp();
  return { id: Number(rows[0]?.id), slug };
}

export async function createCategory(parentId: number | null = null) {
  const slug = unique('cat');
  const { rows } = await db().query<{ id: string }>(
    'INSERT INTO categories (slug, title, parent_id) VALUES ($1, $2, $3) RETURNING id',
    [slug, `Category ${slug}`, parentId],
  );
  await replicaCaughtUp();
  return { id: Number(rows[0]?.id), slug };
}

export async function createProduct(options: {
  brandId: number;
  priceCents?: number;
  stock?: number;
  title?: string;
  isAvailable?: boolean;
  categoryIds?: number[];
}) {
  const slug = unique('product');
  const { rows } = await db().query<{ id: string }>(
    `INSERT INTO products (slug, title, description, brand_id, price_cents, stock, is_available)
     VALUES ($1, $2, 'A product made by a test.', $3, $4, $5, $6) RETURNING id`,
    [
      slug,
      options.title ?? `Product ${slug}`,
      options.brandId,
      options.priceCents ?? 1000,
      options.stock ?? 100,
      options.isAvailable ?? true,
    ],
  );
  const id = Number(rows[0]?.id);
  for (const categoryId of options.categoryIds ?? []) {
    await db().query('INSERT INTO product_categories (product_id, category_id) VALUES ($1, $2)', [id, categoryId]);
  }
  await replicaCaughtUp();
  return { id, slug };
}

/** A signed-in user of an in-process app: a token backed by a real session in Redis. */
export async function tokenFor(
  app: Pick<FastifyInstance, 'tokens' | 'sessions'>,
  user: { id: number; role: 'customer' | 'admin' },
): Promise<string> {
  const { token, claims } = await app.tokens.sign(user.id);
  await app.sessions.create(claims, user.role);
  return token;
}

// Where the API's producer puts the queues (core's QUEUE_PREFIX, as the API reads it).
const queuePrefix = loadApiConfig({ ...process.env }).QUEUE_PREFIX;

/** The newest one-time code mailed to an address, read from the jobs the API enqueued. */
export async function lastOtpCode(email: string): Promise<string | undefined> {
  const connection = queueProducerConnection(stack.REDIS_QUEUE_URL, 'test');
  const queue = new Queue(queueNames.emails, { connection, prefix: queuePrefix });
  try {
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized']);
    const mine = jobs.filter((j) => j?.name === 'otp-code' && j.data.email === email);
    mine.sort((a, b) => b.timestamp - a.timestamp);
    return mine[0]?.data.code as string | undefined;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Reads a job by its (deterministic) id from a queue. */
export async function findJob(queueName: string, id: string) {
  const connection = queueProducerConnection(stack.REDIS_QUEUE_URL, 'test');
  const queue = new Queue(queueName, { connection, prefix: queuePrefix });
  try {
    return await queue.getJob(id);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Signs in over HTTP the way a client does: code by mail (read from the queue), then verify. */
export async function signInHttp(baseUrl: string, email: string): Promise<string> {
  const otp = await fetch(`${baseUrl}/api/v1/auth/otp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (otp.status !== 202) throw new Error(`otp: ${otp.status} ${await otp.text()}`);
  const code = await lastOtpCode(email);
  const verify = await fetch(`${baseUrl}/api/v1/auth/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, code }),
  });
  if (verify.status !== 200) throw new Error(`verify: ${verify.status} ${await verify.text()}`);
  return ((await verify.json()) as { accessToken: string }).accessToken;
}

/** The value of one metric sample in Prometheus text, e.g. metricValue(text, 'x_total{a="b"}'). */
export function metricValue(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}
