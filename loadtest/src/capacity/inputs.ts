// The capacity model's inputs, in three kinds kept apart: figures measured by `make bench` (read from the
// files it writes), values the code and chart ship with (read from their one source), and assumptions
// (stated once, each with where its number comes from). Nothing here is a hand-copied measurement.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseConfigShape } from '@avelon/core';
import { parse } from 'yaml';
import type { z } from 'zod';
import { workerConfigShape } from '../../../worker/src/config.ts';
import { browseDefaults, listFilters, priceBands, sorts } from '../browse-targets.ts';
import { median } from '../stats.ts';

/** Figures from the last `make bench` (medians over its rounds). */
export interface Measured {
  /** When the API benchmark ran (ISO), and the worker benchmark's "run …" line. */
  apiDate: string;
  /** Browse-mix requests/s one API process serves at saturation, cache on (browse/default). */
  podRps: number;
  /** Browse-mix p95 (ms) at half of that rate, open model (browse-half/default). */
  p95AtHalfMs: number;
  /** Cache hit rate and DB queries per request of the browse mix at saturation (browse/default). */
  hitRate: number;
  dbQueriesPerRequest: number;
  /** DB queries/s one Postgres served on the browse mix with the cache off (browse/before: req/s × queries/req). */
  postgresQps: number;
  /** Order-confirmation jobs/s of one worker process into the local SMTP sink (docs/benchmarks.md, Worker). */
  workerJobsPerSecond: number;
  /** The demo catalogue the benchmark browsed. */
  catalogue: { products: number; categories: number; brands: number };
}

interface Sample {
  result: { throughput: number; p95: number };
  hitRate: number | null;
  dbQueriesPerRequest: number | null;
}

interface BenchJson {
  date: string;
  catalogue: Measured['catalogue'];
  measurements: Record<string, Sample[]>;
}

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined || (typeof value === 'number' && !Number.isFinite(value)))
    throw new Error(`capacity: ${what} is missing from the benchmark output (run make bench)`);
  return value;
};

/** The medians the model needs, from docs/benchmarks-api.json and the Worker table of docs/benchmarks.md. */
export function readMeasured(root: string): Measured {
  const bench = JSON.parse(readFileSync(join(root, 'docs/benchmarks-api.json'), 'utf8')) as BenchJson;
  const samples = (key: string) => need(bench.measurements[key], key);
  const med = (key: string, pick: (s: Sample) => number | null) =>
    need(median(samples(key).flatMap((s) => (pick(s) === null ? [] : [pick(s) as number]))), key);
  return {
    apiDate: bench.date,
    podRps: med('browse/default', (s) => s.result.throughput),
    p95AtHalfMs: med('browse-half/default', (s) => s.result.p95),
    hitRate: med('browse/default', (s) => s.hitRate),
    dbQueriesPerRequest: med('browse/default', (s) => s.dbQueriesPerRequest),
    postgresQps: med('browse/before', (s) =>
      s.dbQueriesPerRequest === null ? null : s.result.throughput * s.dbQueriesPerRequest,
    ),
    workerJobsPerSecond: workerJobsPerSecond(readFileSync(join(root, 'docs/benchmarks.md'), 'utf8')),
    catalogue: bench.catalogue,
  };
}

/**
 * The median jobs/s of one worker process, from the table the worker benchmark writes (it writes no JSON):
 * the row whose first cell is 1, second column.
 */
export function workerJobsPerSecond(benchmarksMd: string): number {
  const at = benchmarksMd.indexOf('\n## Worker\n');
  const end = benchmarksMd.indexOf('\n## ', at + 1);
  const section = at < 0 ? '' : benchmarksMd.slice(at, end < 0 ? undefined : end);
  const row = section.split('\n').find((l) => /^\|\s*1\s*\|/.test(l));
  const jobs = Number(row?.split('|')[2]?.trim());
  return need(Number.isFinite(jobs) && jobs > 0 ? jobs : undefined, 'the Worker table of docs/benchmarks.md');
}

/** What the code and the chart ship with, read from where each is defined. */
export interface Shipped {
  /** The API HPA's CPU target (values.yaml), as a share: the planning utilization of a pod. */
  cpuTarget: number;
  apiMinReplicas: number;
  pgbouncerReplicas: number;
  dbPoolSize: number;
  replicaPoolSize: number;
  queues: Record<'emails' | 'notifications', { concurrency: number; maxWaitSeconds: number }>;
  keepCompleted: number;
  keepFailed: number;
  ledgerRetentionSeconds: number;
  /** Cacheable list pages of the browse mix: plain lists, and category and brand pages (search excluded). */
  listPageKinds: { filterVariants: number; sorts: number; listDepth: number; facetDepth: number; pageSize: number };
  /** What values.yaml installs, to set beside the model's figures. */
  chart: {
    apiMaxReplicas: number;
    workerMaxReplicas: Record<'emails' | 'notifications', number>;
    readReplicas: number;
    pgbouncerPool: number;
    maxClientConn: number;
    maxConnections: number;
    cacheMaxmemory: string;
    queueMaxmemory: string;
  };
}

const defaultOf = (schema: z.ZodType): number => {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success || typeof parsed.data !== 'number') throw new Error('capacity: a config option has no default');
  return parsed.data;
};

interface Values {
  api: { autoscaling: { minReplicas: number; maxReplicas: number; targetCPUUtilizationPercentage: number } };
  pgbouncer: { replicas: number; defaultPoolSize: number; maxClientConn: number };
  workers: {
    queues: Record<string, { concurrency: number; maxWaitSeconds: number; autoscaling: { maxReplicas: number } }>;
  };
  postgresql: { parameters: { max_connections: string }; replica: { replicas: number } };
  redisCache: { maxmemory: string };
  redisQueue: { maxmemory: string };
}

export function readShipped(root: string): Shipped {
  const values = parse(readFileSync(join(root, 'charts/avelon/values.yaml'), 'utf8')) as Values;
  const queue = (name: 'emails' | 'notifications') =>
    need(values.workers.queues[name], `values.yaml workers.queues.${name}`);
  // A list filter is none, available, one of the price bands, or available + a band.
  const filterVariants = listFilters.reduce((n, [f]) => n + (f.includes('price') ? priceBands.length : 1), 0);
  return {
    cpuTarget: values.api.autoscaling.targetCPUUtilizationPercentage / 100,
    apiMinReplicas: values.api.autoscaling.minReplicas,
    pgbouncerReplicas: values.pgbouncer.replicas,
    dbPoolSize: defaultOf(databaseConfigShape.DATABASE_POOL_SIZE),
    replicaPoolSize: defaultOf(databaseConfigShape.DATABASE_REPLICA_POOL_SIZE),
    queues: {
      emails: { concurrency: queue('emails').concurrency, maxWaitSeconds: queue('emails').maxWaitSeconds },
      notifications: {
        concurrency: queue('notifications').concurrency,
        maxWaitSeconds: queue('notifications').maxWaitSeconds,
      },
    },
    keepCompleted: defaultOf(workerConfigShape.WORKER_KEEP_COMPLETED_COUNT),
    keepFailed: defaultOf(workerConfigShape.WORKER_KEEP_FAILED_COUNT),
    ledgerRetentionSeconds: defaultOf(workerConfigShape.LEDGER_RETENTION_S),
    listPageKinds: {
      filterVariants,
      sorts: sorts.length,
      listDepth: browseDefaults.listDepth,
      facetDepth: browseDefaults.facetDepth,
      pageSize: browseDefaults.pageSize,
    },
    chart: {
      apiMaxReplicas: values.api.autoscaling.maxReplicas,
      workerMaxReplicas: {
        emails: queue('emails').autoscaling.maxReplicas,
        notifications: queue('notifications').autoscaling.maxReplicas,
      },
      readReplicas: values.postgresql.replica.replicas,
      pgbouncerPool: values.pgbouncer.defaultPoolSize,
      maxClientConn: values.pgbouncer.maxClientConn,
      maxConnections: Number(values.postgresql.parameters.max_connections),
      cacheMaxmemory: values.redisCache.maxmemory,
      queueMaxmemory: values.redisQueue.maxmemory,
    },
  };
}
