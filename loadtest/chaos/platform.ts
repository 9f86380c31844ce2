// What one chaos experiment runs on top of the stack's data stores: two API processes (the load is spread
// over both, as a Service would), one worker with the outbox relay, the SMTP sink (in this process, so
// the accounting reads exactly what arrived) and, for the proxy experiments, toxiproxy between the API
// and Postgres/Redis. Every process is started here and stopped by stop(); logs go to the stack's
// logs/ folder, named after the experiment.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { type MailSink, startMailSink } from '../../scripts/mail-sink/sink.ts';
import { chaosPorts, type StackEnv } from './stack-env.ts';
import { startToxiproxy, type Toxiproxy } from './toxiproxy.ts';

const run = promisify(execFile);

export type StackPart = 'primary' | 'replica' | 'pgbouncer' | 'redis-cache' | 'redis-queue';

/** Limits far above the load's rates: the experiments measure faults, not the limiter. */
const relaxedLimits = {
  RATE_LIMIT_GENERAL_MAX: '1000000',
  RATE_LIMIT_AUTH_MAX: '1000000',
  RATE_LIMIT_AUTH_EMAIL_MAX: '1000000',
  RATE_LIMIT_CHECKOUT_MAX: '1000000',
  RATE_LIMIT_WRITES_MAX: '1000000',
};

export interface Platform {
  readonly stack: StackEnv;
  readonly apiUrls: string[];
  readonly sink: MailSink;
  /** QUEUE_PREFIX of this run's API and worker: its jobs and ledger records are its own. */
  readonly queuePrefix: string;
  /** MAIL_MESSAGE_ID_DOMAIN of the worker (Message-IDs are derived from it). */
  readonly mailDomain: string;
  /** Present when the experiment is `proxied`. */
  readonly toxiproxy: Toxiproxy | undefined;
  /** scripts/stack/ctl.sh PART start|stop. */
  ctl(part: StackPart, action: 'start' | 'stop'): Promise<void>;
  /** Runs SQL as the superuser on the replica (pausing and resuming replay). */
  replicaSql(sql: string): Promise<void>;
  /** SIGKILLs the running worker (a crash: no graceful shutdown, its job locks are left to expire). */
  killWorker(): Promise<void>;
  /** Starts a worker (a replacement after a kill); waits until it is ready. */
  startWorker(): Promise<void>;
  /** A worker process is running. */
  readonly workerAlive: boolean;
  stop(): Promise<void>;
}

interface App {
  child: ChildProcess;
  exited: Promise<unknown>;
}

async function spawnApp(script: string, env: Record<string, string>, opsPort: number, logFile: string): Promise<App> {
  const child = spawn(process.execPath, [script], {
    cwd: env.AVELON_ROOT,
    env: { ...process.env, ...env, OPS_PORT: String(opsPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = once(child, 'exit');
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}; see ${logFile}`);
    const ready = await fetch(`http://127.0.0.1:${opsPort}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { child, exited };
    if (i > 600) {
      child.kill('SIGKILL');
      throw new Error(`${script} was not ready on ${opsPort} within 60 s; see ${logFile}`);
    }
    await sleep(100);
  }
}

async function stopApp(app: App, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill(signal);
  await app.exited;
}

/** Starts the experiment's processes on the running stack. */
export async function startPlatform(
  stack: StackEnv,
  o: { experiment: string; runId: string; proxied: boolean },
): Promise<Platform> {
  const ports = chaosPorts(stack.base);
  const logs = join(stack.AVELON_DATA_DIR, 'logs');
  const logFile = (what: string) => join(logs, `chaos-${o.experiment}-${what}.log`);
  // The logs hold this run only: the report groups their warnings as the evidence of its failures.
  for (const f of readdirSync(logs)) if (f.startsWith(`chaos-${o.experiment}-`)) rmSync(join(logs, f));
  const queuePrefix = `chaos-${o.runId}`;
  const mailDomain = 'chaos.avelon';
  const sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  const started: App[] = [];
  let toxiproxy: Toxiproxy | undefined;
  let worker: App | undefined;

  const common = { ...(process.env as Record<string, string>), QUEUE_PREFIX: queuePrefix, LOG_LEVEL: 'warn' };
  const workerEnv = {
    ...common,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sink.smtpPort),
    MAIL_MESSAGE_ID_DOMAIN: mailDomain,
    APP_BASE_URL: 'http://shop.chaos',
  };
  let apiEnv: Record<string, string> = { ...common, ...relaxedLimits };

  try {
    if (o.proxied) {
      const binary = join(stack.AVELON_ROOT, '.tools/bin/toxiproxy');
      const p = ports.proxies;
      toxiproxy = await startToxiproxy(
        binary,
        ports.toxiproxyApi,
        [
          { name: 'pgbouncer', listenPort: p.pgbouncer, upstreamPort: stack.AVELON_PGBOUNCER_PORT },
          { name: 'replica', listenPort: p.replica, upstreamPort: stack.AVELON_PG_REPLICA_PORT },
          { name: 'redis-cache', listenPort: p['redis-cache'], upstreamPort: stack.AVELON_REDIS_CACHE_PORT },
          { name: 'redis-queue', listenPort: p['redis-queue'], upstreamPort: stack.AVELON_REDIS_QUEUE_PORT },
        ],
        logFile('toxiproxy'),
      );
      const db = (port: number) => `postgres://avelon:avelon@127.0.0.1:${port}/avelon`;
      apiEnv = {
        ...apiEnv,
        DATABASE_URL: db(p.pgbouncer),
        DATABASE_REPLICA_URLS: db(p.replica),
        REDIS_CACHE_URL: `redis://127.0.0.1:${p['redis-cache']}`,
        REDIS_QUEUE_URL: `redis://127.0.0.1:${p['redis-queue']}`,
      };
    }
    const apis = await Promise.all(
      ports.apis.map(async ({ port, ops }, i) => {
        const app = await spawnApp(
          'api/src/main.ts',
          { ...apiEnv, PORT: String(port), INSTANCE_ID: `chaos-api-${i + 1}` },
          ops,
          logFile(`api${i + 1}`),
        );
        started.push(app);
        return `http://127.0.0.1:${port}`;
      }),
    );
    const startWorker = async () => {
      worker = await spawnApp('worker/src/main.ts', workerEnv, ports.workerOps, logFile('worker'));
      started.push(worker);
    };
    await startWorker();

    return {
      stack,
      apiUrls: apis,
      sink,
      queuePrefix,
      mailDomain,
      toxiproxy,
      async ctl(part, action) {
        await run('bash', [join(stack.AVELON_ROOT, 'scripts/stack/ctl.sh'), part, action], { env: process.env });
      },
      async replicaSql(sql) {
        const client = new pg.Client({
          host: stack.AVELON_PG_SOCKET_DIR,
          port: stack.AVELON_PG_REPLICA_PORT,
          user: 'postgres',
          database: 'avelon',
        });
        await client.connect();
        try {
          await client.query(sql);
        } finally {
          await client.end();
        }
      },
      async killWorker() {
        if (!worker) return;
        await stopApp(worker, 'SIGKILL');
        worker = undefined;
      },
      startWorker,
      get workerAlive() {
        return worker !== undefined && worker.child.exitCode === null && worker.child.signalCode === null;
      },
      async stop() {
        await Promise.all(started.map((a) => stopApp(a)));
        await toxiproxy?.stop();
        await sink.close();
      },
    };
  } catch (error) {
    await Promise.all(started.map((a) => stopApp(a, 'SIGKILL')));
    await toxiproxy?.stop();
    await sink.close();
    throw error;
  }
}
