// The capacity model: pure formulas from the measured figures, the shipped defaults and the stated
// assumptions (inputs.ts) to pods, replicas, pools and memory for a number of users. Every formula here
// is printed beside its result in docs/capacity.md (doc.ts), so a change to one shows in the other.
import { dayWithFlashSale, type FlashSale } from '../../../operator/src/simulator/day-trace.ts';
import type { Trace } from '../../../operator/src/simulator/trace.ts';
import type { Assumptions } from './assumptions.ts';
import type { Measured, Shipped } from './inputs.ts';

/** Everything the model reads. */
export interface Inputs {
  measured: Measured;
  shipped: Shipped;
  a: Assumptions;
}

/** A quantity at the daily peak and at the height of the flash sale. */
export interface PeakAndSale {
  peak: number;
  sale: number;
}

/** Issue 12's target for DB queries per request on the browse mix (not a measurement). */
export const targetDbQueriesPerRequest = 0.1;
/** Postgres' superuser_reserved_connections default, kept free on the primary for an operator's psql. */
export const reservedConnections = 3;
/** Fixed bytes of every cache entry besides its body (key, ETag, creation time, Redis' own overhead). */
export const entryOverheadBytes = 200;

/** ⌈rate ÷ (per-pod rate × utilization)⌉, never under `min` (float noise under 1e-9 is not a pod). */
export const podsFor = (rate: number, perPod: number, utilization: number, min = 0): number =>
  Math.max(min, Math.ceil(rate / (perPod * utilization) - 1e-9));

/**
 * Jobs/s one worker pod completes: its measured rate (CPU-bound, into a local sink), unless the far end is
 * slower: then its concurrency ÷ the time of one job (Little's law with every slot busy).
 */
export const workerRate = (measured: number, concurrency: number, jobSeconds: number): number =>
  Math.min(measured, concurrency / jobSeconds);

/** β of square-root staffing: with λ + β√λ servers, β = 3 keeps waiting for a connection rare. */
export const staffingBeta = 3;

/**
 * PgBouncer `default_pool_size` of each of `instances` by square-root staffing: each instance sees
 * λ = tx/s × tx time ÷ instances busy server connections on average (Little's law) and gets λ + β√λ, so a
 * small pool still covers its bursts and a large one is not padded in proportion.
 */
export const poolSize = (tps: number, txSeconds: number, instances: number): number => {
  const busy = (tps * txSeconds) / instances;
  return Math.max(1, Math.ceil(busy + staffingBeta * Math.sqrt(busy) - 1e-9));
};

/** Cacheable list pages: plain lists (filters × sorts × pages) and category and brand pages (× sorts × pages). */
export const listPages = (k: Shipped['listPageKinds'], categories: number, brands: number): number =>
  k.filterVariants * k.sorts * k.listDepth + (categories + brands) * k.sorts * k.facetDepth;

/** Requests (column 1) or jobs (column 2) over a trace: trapezoids between its points. */
export function perDay(trace: Trace, column: 1 | 2): number {
  let total = 0;
  for (let i = 1; i < trace.points.length; i++) {
    const a = trace.points[i - 1] as Trace['points'][number];
    const b = trace.points[i] as Trace['points'][number];
    total += ((a[column] + b[column]) / 2) * (b[0] - a[0]);
  }
  return total;
}

/** The flash sale of every day trace: at the evening peak (20:00), one minute up, 30 minutes, 10 down. */
export const saleShape: Omit<FlashSale, 'multiplier' | 'jobsPerRequest'> = {
  startSeconds: 20 * 3600,
  rampSeconds: 60,
  holdSeconds: 1800,
  decaySeconds: 600,
};

/** Traffic of a number of users at the seed's assumptions. */
export function traffic(users: number, a: Assumptions): { concurrent: number } & PeakAndSale {
  const concurrent = users * a.concurrentShare;
  const peak = concurrent * a.rpsPerConcurrent;
  return { concurrent, peak, sale: peak * a.saleMultiplier };
}

/** The sizes of one tier. */
export interface Sizing {
  users: number;
  concurrent: number;
  rps: PeakAndSale;
  apiPods: PeakAndSale;
  /** Jobs/s one pod of each queue completes. */
  workerRates: { emails: number; notifications: number };
  jobs: { emails: PeakAndSale; notifications: PeakAndSale };
  workerPods: { emails: PeakAndSale; notifications: PeakAndSale };
  readQps: PeakAndSale;
  replicas: PeakAndSale;
  /** Replicas for the sale if the browse mix reached issue 12's 0.1 queries/request. */
  replicasAtTarget: number;
  /** Connections each replica sees in the sale: every API process opens its own pool to every replica. */
  replicaConnections: number;
  primaryTps: number;
  pgbouncerPool: number;
  maxClientConn: number;
  primaryMaxConnections: number;
  emailsPerDay: number;
  cache: { catalogueBytes: number; userBytes: number; maxmemory: number };
  queue: { jobBytes: number; ledgerBytes: number; maxmemory: number };
}

const both = (f: (v: number) => number, x: PeakAndSale): PeakAndSale => ({ peak: f(x.peak), sale: f(x.sale) });

/** The day of `users` as a simulator trace (the 2M one is the frontier's trace). */
export function dayTrace(users: number, i: Inputs): Trace {
  const { measured: m, shipped: s, a } = i;
  const rps = traffic(users, a);
  const emailRate = workerRate(m.workerJobsPerSecond, s.queues.emails.concurrency, a.smtpSeconds);
  const saleEmails = rps.sale * a.saleEmailsPerRequest;
  return dayWithFlashSale({
    name: `${users.toLocaleString('en')} users`,
    peakRps: rps.peak,
    nightShare: a.nightShare,
    lunchShare: a.lunchShare,
    jobsPerRequest: a.emailsPerRequest,
    sale: { ...saleShape, multiplier: a.saleMultiplier, jobsPerRequest: a.saleEmailsPerRequest },
    stepSeconds: 300,
    noise: 0.03,
    seed: 12,
    model: {
      cpuMsPerRequest: 1000 / m.podRps,
      baseLatencyMs: a.baseLatencyMs,
      jobsPerSecondPerReplica: emailRate,
      prioritizedShare: a.prioritizedShare,
      apiPodStartSeconds: a.apiStartSeconds,
      workerPodStartSeconds: a.apiStartSeconds / 2,
    },
    slo: { p95LatencyMs: a.p95SloMs, maxWaitSeconds: s.queues.emails.maxWaitSeconds },
    // Twice what the sale needs at the chart's target: no strategy is held back by a ceiling.
    bounds: {
      api: { min: s.apiMinReplicas, max: 2 * podsFor(rps.sale, m.podRps, s.cpuTarget, s.apiMinReplicas) },
      worker: { min: 1, max: 2 * podsFor(saleEmails, emailRate, s.cpuTarget, 1) },
    },
  });
}

/** Sizes one tier. */
export function sizeTier(users: number, i: Inputs): Sizing {
  const { measured: m, shipped: s, a } = i;
  const u = s.cpuTarget;
  const { concurrent, ...rps } = traffic(users, a);
  const apiPods = both((r) => podsFor(r, m.podRps, u, s.apiMinReplicas), rps);
  const workerRates = {
    emails: workerRate(m.workerJobsPerSecond, s.queues.emails.concurrency, a.smtpSeconds),
    notifications: workerRate(m.workerJobsPerSecond, s.queues.notifications.concurrency, a.notificationSeconds),
  };
  const emails = { peak: rps.peak * a.emailsPerRequest, sale: rps.sale * a.saleEmailsPerRequest };
  const jobs = { emails, notifications: both((j) => j * a.notificationsPerEmail, emails) };
  const workerPods = {
    emails: both((j) => podsFor(j, workerRates.emails, u, 1), jobs.emails),
    notifications: both((j) => podsFor(j, workerRates.notifications, u, 1), jobs.notifications),
  };
  const readQps = both((r) => r * m.dbQueriesPerRequest, rps);
  const replicas = both((q) => podsFor(q, m.postgresQps, a.dbHeadroom, 1), readQps);
  const replicasAtTarget = podsFor(rps.sale * targetDbQueriesPerRequest, m.postgresQps, a.dbHeadroom, 1);
  const primaryTps = rps.sale * a.writesPerRequest + jobs.emails.sale + jobs.notifications.sale;
  const pgbouncerPool = poolSize(primaryTps, a.txSeconds, s.pgbouncerReplicas);
  const clients = apiPods.sale + workerPods.emails.sale + workerPods.notifications.sale;

  const emailsPerDay = perDay(dayTrace(users, i), 2);
  const jobsPerDay = emailsPerDay * (1 + a.notificationsPerEmail);
  const pages = listPages(s.listPageKinds, m.catalogue.categories, m.catalogue.brands);
  const pageBytes = s.listPageKinds.pageSize * a.listItemBytes + entryOverheadBytes;
  const catalogueBytes = m.catalogue.products * a.detailBytes + pages * pageBytes;
  const userBytes = concurrent * a.saleMultiplier * a.sessionBytes;
  const queued = (q: 'emails' | 'notifications') =>
    jobs[q].sale * s.queues[q].maxWaitSeconds + s.keepCompleted + s.keepFailed;
  const jobBytes = (queued('emails') + queued('notifications')) * a.jobBytes;
  const ledgerBytes = jobsPerDay * (s.ledgerRetentionSeconds / 86_400) * a.ledgerBytes;
  return {
    users,
    concurrent,
    rps,
    apiPods,
    workerRates,
    jobs,
    workerPods,
    readQps,
    replicas,
    replicasAtTarget,
    replicaConnections: apiPods.sale * s.replicaPoolSize,
    primaryTps,
    pgbouncerPool,
    maxClientConn: clients * s.dbPoolSize,
    primaryMaxConnections: s.pgbouncerReplicas * pgbouncerPool + reservedConnections,
    emailsPerDay,
    cache: { catalogueBytes, userBytes, maxmemory: (catalogueBytes + userBytes) / a.dbHeadroom },
    queue: { jobBytes, ledgerBytes, maxmemory: (jobBytes + ledgerBytes) / a.dbHeadroom },
  };
}
