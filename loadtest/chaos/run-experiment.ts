// Runs one experiment end to end: makes sure the stack is up (scripts/stack/up.sh, idempotent), starts
// the platform (two APIs, a worker, the sink, the proxy if asked), makes and signs in the run's shoppers,
// starts the open-model load, lets it run steady, injects the fault, keeps the load on until success is
// steady again, puts the stack back, waits for the mails and counts what was lost.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { browseGenerator } from '../src/browse-targets.ts';
import type { Catalogue } from '../src/catalogue.ts';
import { type Accounting, account } from './accounting.ts';
import type { Experiment, FaultContext } from './experiment.ts';
import { type LoadFigures, loadFigures, type Mark } from './figures.ts';
import { type LoadResult, startLoad } from './load.ts';
import { type LogSummary, summarizeLogs } from './logs.ts';
import { startPlatform } from './platform.ts';
import { makeShop } from './shop.ts';
import type { StackEnv } from './stack-env.ts';

const run = promisify(execFile);

export interface ExperimentOptions {
  /** Browse requests a second. */
  browseRate: number;
  /** Checkout flows a second (two requests each). */
  checkoutRate: number;
  shoppers: number;
  /** Steady load before the fault. */
  warmMs: number;
  /** Load kept on after the fault is over. */
  tailMs: number;
  /** The client's timeout of every request. */
  timeoutMs: number;
  /** How long to wait for the mails after the load. */
  drainMs: number;
  /** Overrides the experiment's own fault length. */
  faultMs?: number;
}

export const defaultOptions: ExperimentOptions = {
  browseRate: 40,
  checkoutRate: 5,
  shoppers: 80,
  warmMs: 8000,
  tailMs: 15_000,
  timeoutMs: 5000,
  drainMs: 90_000,
};

export interface ExperimentResult {
  name: string;
  title: string;
  fault: string;
  ownWrites: Experiment['ownWrites'];
  startedAt: string;
  options: ExperimentOptions & { faultMs: number; apis: number };
  marks: Mark[];
  load: LoadFigures;
  skippedFlows: number;
  durationMs: number;
  accounting: Accounting;
  /** Warnings and errors the API and worker logged during the run, grouped (the evidence of causes). */
  logs: LogSummary;
}

/** The catalogue the browse stream draws from: the stack's products, categories and brands (bounded). */
async function catalogue(db: pg.Pool): Promise<Catalogue> {
  const products = await db.query<{ id: string; title: string; price_cents: number }>(
    'SELECT id, title, price_cents FROM products WHERE is_available ORDER BY id LIMIT 2000',
  );
  const categories = await db.query<{ id: string; slug: string }>('SELECT id, slug FROM categories LIMIT 200');
  const brands = await db.query<{ id: string; slug: string }>('SELECT id, slug FROM brands LIMIT 200');
  return {
    products: products.rows.map((p) => ({ id: Number(p.id), title: p.title, priceCents: p.price_cents })),
    categories: categories.rows.map((c) => ({ id: Number(c.id), slug: c.slug })),
    brands: brands.rows.map((b) => ({ id: Number(b.id), slug: b.slug })),
  };
}

/** Waits until the replica has replayed everything written so far (the fixtures), at most 10 s. */
async function replicaCaughtUp(stack: StackEnv, primary: pg.Pool): Promise<void> {
  const url = stack.DATABASE_REPLICA_URLS.split(',')[0];
  if (!url) return;
  const replica = new pg.Client({ connectionString: url });
  await replica.connect();
  try {
    const { rows } = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    for (let i = 0; i < 200; i++) {
      const r = await replica.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [
        rows[0]?.lsn,
      ]);
      if (r.rows[0]?.ok) return;
      await sleep(50);
    }
  } finally {
    await replica.end();
  }
}

export async function runExperiment(
  experiment: Experiment,
  stack: StackEnv,
  options: Partial<ExperimentOptions> = {},
  log: (line: string) => void = () => {},
): Promise<ExperimentResult> {
  const o = { ...defaultOptions, ...options };
  const faultMs = o.faultMs ?? experiment.defaultFaultMs;
  const runId = randomUUID().slice(0, 8);
  const startedAt = new Date();
  log(`${experiment.name}: stack up (scripts/stack/up.sh)`);
  await run('bash', [`${stack.AVELON_ROOT}/scripts/stack/up.sh`], { env: process.env });
  const db = new pg.Pool({ connectionString: stack.DATABASE_MIGRATION_URL, max: 4 });
  db.on('error', () => {});
  log(`${experiment.name}: starting 2 APIs, a worker and the sink${experiment.proxied ? ' behind toxiproxy' : ''}`);
  const platform = await startPlatform(stack, { experiment: experiment.name, runId, proxied: !!experiment.proxied });
  let result: LoadResult | undefined;
  const marks: Mark[] = [];
  try {
    const apiUrl = platform.apiUrls[0] as string;
    const shop = await makeShop(db, {
      runId,
      shoppers: o.shoppers,
      productCount: 10,
      apiUrl,
      queueRedisUrl: stack.REDIS_QUEUE_URL,
      prefix: platform.queuePrefix,
    });
    await replicaCaughtUp(stack, db);
    const browse = browseGenerator(await catalogue(db), { seed: 3 });
    log(
      `${experiment.name}: load ${o.browseRate} browse/s + ${o.checkoutRate} checkouts/s; fault after ${o.warmMs} ms`,
    );
    const load = startLoad({
      apiUrls: platform.apiUrls,
      browse,
      shoppers: shop.shoppers,
      productIds: shop.products.map((p) => p.id),
      browseRate: o.browseRate,
      checkoutRate: o.checkoutRate,
      timeoutMs: o.timeoutMs,
      runId,
    });
    let stopping = false;
    const ctx: FaultContext = {
      platform,
      faultMs,
      mark: (label) => {
        marks.push({ label, at: Math.round(load.now()) });
        log(`${experiment.name}: ${(load.now() / 1000).toFixed(1)} s ${label}`);
      },
      sleep: async (ms) => {
        if (!stopping) await sleep(ms);
      },
    };
    try {
      await sleep(o.warmMs);
      await experiment.inject(ctx);
      ctx.mark('fault over');
      await sleep(o.tailMs);
    } finally {
      stopping = true;
      result = await load.stop();
      await experiment.restore(platform);
    }
    log(`${experiment.name}: load done (${result.records.length} requests); counting orders, stock and mails`);
    const accounting = await account(db, result, shop, {
      sink: platform.sink,
      queueRedisUrl: stack.REDIS_QUEUE_URL,
      prefix: platform.queuePrefix,
      mailDomain: platform.mailDomain,
      drainMs: o.drainMs,
    });
    return {
      name: experiment.name,
      title: experiment.title,
      fault: experiment.fault,
      ownWrites: experiment.ownWrites,
      startedAt: startedAt.toISOString(),
      options: { ...o, faultMs, apis: platform.apiUrls.length },
      marks,
      load: loadFigures(result.records, marks, experiment.ownWrites, result.durationMs),
      skippedFlows: result.skippedFlows,
      durationMs: Math.round(result.durationMs),
      accounting,
      logs: await summarizeLogs(stack, experiment.name),
    };
  } finally {
    await experiment.restore(platform).catch(() => {});
    await platform.stop();
    await db.end();
  }
}
