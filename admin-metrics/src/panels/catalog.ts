import { type DecisionRecord, metricCatalog as m, type PolicyTargets } from '@avelon/core';
import { gaugeMax, type Point, quantile, type Role, rate, ratio, type ScrapeView } from './scrape-view.ts';

/**
 * Every panel of the dashboard, defined once: its plain-words title, what it means, its unit, and per
 * series family the PromQL (Prometheus mode and the Grafana dashboard, generated from this list) and
 * the same formula over scraped samples (scrape mode). A test checks that every metric the PromQL names
 * is one the services export (core's catalog).
 */

export type Unit = 'perSecond' | 'ratio' | 'seconds' | 'count' | 'perRequest' | 'percent';

/** One PromQL expression and its scrape-mode twin; each label set it yields is one line on the chart. */
export interface SeriesFamily {
  id: string;
  role: Role;
  promql: string;
  /** Line name, Grafana's legendFormat: `{{label}}` placeholders. */
  legend: string;
  scrape: (v: ScrapeView) => Point[];
}

/** A horizontal line the chart is judged against. */
export interface TargetLine {
  label: string;
  value: number;
}

export interface Panel {
  id: string;
  section: 'Traffic' | 'Cache' | 'Database' | 'Queues' | 'Scaling';
  title: string;
  /** One sentence for an admin: what the chart shows and which way is good. */
  help: string;
  unit: Unit;
  families: SeriesFamily[];
  /** Target lines, from the operator's policy or the dashboard's config. */
  targets?: (t: TargetContext) => TargetLine[];
  /** The operator decisions drawn on this chart (each decision on exactly one chart). */
  decisions?: (d: DecisionRecord) => boolean;
}

export interface TargetContext {
  policies: PolicyTargets[];
  errorRateTarget: number;
  replicaLagTargetSeconds: number;
}

const http = m.httpRequestDuration.name;
// Probes and scrapes are requests too, but not the shop's: left out of traffic and latency.
const internalRoute = /^(\/metrics|\/health\/.*)$/;
const shop = { route: (r: string) => !internalRoute.test(r) };
const shopSel = 'route!~"/metrics|/health/.*"';
const r1m = '[1m]';

const api = (p: PolicyTargets[]) => p.find((x) => x.api)?.api;
const workers = (p: PolicyTargets[]) => p.flatMap((x) => x.workers);
const cache = (p: PolicyTargets[]) => p.find((x) => x.cache)?.cache;

const latencyQuantile = (q: number): SeriesFamily => ({
  id: `latency-p${q * 100}`,
  role: 'api',
  promql: `histogram_quantile(${q}, sum by (le) (rate(${http}_bucket{${shopSel}}${r1m})))`,
  legend: `p${q * 100}`,
  scrape: (v) => quantile(v, http, q, [], shop),
});

export const panels: Panel[] = [
  {
    id: 'requests',
    section: 'Traffic',
    title: 'Requests per second',
    help: 'Shop requests answered by the API, all routes and the busiest ones (probes and scrapes left out).',
    unit: 'perSecond',
    families: [
      {
        id: 'rps',
        role: 'api',
        promql: `sum(rate(${http}_count{${shopSel}}${r1m}))`,
        legend: 'all routes',
        scrape: (v) => rate(v, `${http}_count`, [], shop),
      },
      {
        id: 'rps-route',
        role: 'api',
        promql: `sum by (route) (rate(${http}_count{${shopSel}}${r1m}))`,
        legend: '{{route}}',
        scrape: (v) => rate(v, `${http}_count`, ['route'], shop),
      },
    ],
  },
  {
    id: 'errors',
    section: 'Traffic',
    title: 'Errors (share of requests)',
    help: 'Server errors (5xx, our fault) and client errors (4xx, e.g. unknown product) as a share of requests. Lower is better.',
    unit: 'ratio',
    families: [
      {
        id: 'errors-5xx',
        role: 'api',
        promql: `sum(rate(${http}_count{${shopSel},status_code=~"5.."}${r1m})) / sum(rate(${http}_count{${shopSel}}${r1m}))`,
        legend: 'server errors (5xx)',
        scrape: (v) =>
          ratio(rate(v, `${http}_count`, [], { ...shop, status_code: /^5/ }), rate(v, `${http}_count`, [], shop)),
      },
      {
        id: 'errors-4xx',
        role: 'api',
        promql: `sum(rate(${http}_count{${shopSel},status_code=~"4.."}${r1m})) / sum(rate(${http}_count{${shopSel}}${r1m}))`,
        legend: 'client errors (4xx)',
        scrape: (v) =>
          ratio(rate(v, `${http}_count`, [], { ...shop, status_code: /^4/ }), rate(v, `${http}_count`, [], shop)),
      },
    ],
    targets: (t) => [{ label: `5xx target ${(t.errorRateTarget * 100).toFixed(1)} %`, value: t.errorRateTarget }],
  },
  {
    id: 'latency',
    section: 'Traffic',
    title: 'Response time (p95 / p50 / p99)',
    help: 'How long requests take: half are faster than p50, 95 % faster than p95. The operator holds p95 under the SLO by moving the HPA CPU target (markers).',
    unit: 'seconds',
    families: [latencyQuantile(0.95), latencyQuantile(0.5), latencyQuantile(0.99)],
    targets: (t) => {
      const a = api(t.policies);
      return a ? [{ label: `p95 SLO ${a.p95LatencyMs} ms`, value: a.p95LatencyMs / 1000 }] : [];
    },
    decisions: (d) => d.kind === 'cpuTarget' || (d.kind === 'minReplicas' && !d.queue),
  },
  {
    id: 'latency-route',
    section: 'Traffic',
    title: 'p95 response time by route',
    help: 'The slowest 5 % of each route: which route breaks the SLO.',
    unit: 'seconds',
    families: [
      {
        id: 'p95-route',
        role: 'api',
        promql: `histogram_quantile(0.95, sum by (le, route) (rate(${http}_bucket{${shopSel}}${r1m})))`,
        legend: '{{route}}',
        scrape: (v) => quantile(v, http, 0.95, ['route'], shop),
      },
    ],
    targets: (t) => {
      const a = api(t.policies);
      return a ? [{ label: `SLO ${a.p95LatencyMs} ms`, value: a.p95LatencyMs / 1000 }] : [];
    },
  },
  {
    id: 'hit-rate',
    section: 'Cache',
    title: 'Cache hit rate',
    help: 'Share of reads answered without the database, overall and per cache class. The operator lengthens a class\u2019s TTL when it is under target and the database is busy (markers).',
    unit: 'ratio',
    families: [
      {
        id: 'hit-overall',
        role: 'api',
        promql: `1 - sum(rate(${m.cacheLoads.name}${r1m})) / sum(rate(${m.cacheLookups.name}{tier="l1"}${r1m}))`,
        legend: 'all classes',
        scrape: (v) => ratio(rate(v, m.cacheLoads.name, []), rate(v, m.cacheLookups.name, [], { tier: 'l1' }), true),
      },
      {
        id: 'hit-class',
        role: 'api',
        promql: `1 - sum by (class) (rate(${m.cacheLoads.name}${r1m})) / sum by (class) (rate(${m.cacheLookups.name}{tier="l1"}${r1m}))`,
        legend: '{{class}}',
        scrape: (v) =>
          ratio(rate(v, m.cacheLoads.name, ['class']), rate(v, m.cacheLookups.name, ['class'], { tier: 'l1' }), true),
      },
    ],
    targets: (t) => {
      const c = cache(t.policies);
      return c ? [{ label: `target ${Math.round(c.hitRateTarget * 100)} %`, value: c.hitRateTarget }] : [];
    },
    decisions: (d) => d.kind === 'cacheTtl',
  },
  {
    id: 'hit-tier',
    section: 'Cache',
    title: 'Hit rate by tier (L1 memory, L2 Redis)',
    help: 'L1: the API process\u2019s own memory; L2: the shared Redis, asked only on an L1 miss.',
    unit: 'ratio',
    families: [
      {
        id: 'hit-tier',
        role: 'api',
        promql: `sum by (tier) (rate(${m.cacheLookups.name}{result=~"hit|stale"}${r1m})) / sum by (tier) (rate(${m.cacheLookups.name}${r1m}))`,
        legend: '{{tier}}',
        scrape: (v) =>
          ratio(
            rate(v, m.cacheLookups.name, ['tier'], { result: /^(hit|stale)$/ }),
            rate(v, m.cacheLookups.name, ['tier']),
          ),
      },
    ],
  },
  {
    id: 'ttl',
    section: 'Cache',
    title: 'Cache TTL per class',
    help: 'How long each class of cached value lives, as the API applies it (the operator changes it at run time).',
    unit: 'seconds',
    families: [
      {
        id: 'ttl',
        role: 'api',
        promql: `max by (class) (${m.cacheTtlSeconds.name})`,
        legend: '{{class}}',
        scrape: (v) => gaugeMax(v, m.cacheTtlSeconds.name, ['class']),
      },
    ],
  },
  {
    id: 'db-per-request',
    section: 'Database',
    title: 'Database queries per request',
    help: 'Queries sent to Postgres per API request: the cache working keeps this low.',
    unit: 'perRequest',
    families: [
      {
        id: 'db-per-request',
        role: 'api',
        promql: `sum(rate(${m.dbQueries.name}${r1m})) / sum(rate(${http}_count{${shopSel}}${r1m}))`,
        legend: 'queries per request',
        scrape: (v) => ratio(rate(v, m.dbQueries.name, []), rate(v, `${http}_count`, [], shop)),
      },
    ],
  },
  {
    id: 'reads',
    section: 'Database',
    title: 'Reads by pool',
    help: 'Where reads went per second: a replica, or the primary (and why: read-your-writes, no replica, replica failed).',
    unit: 'perSecond',
    families: [
      {
        id: 'reads',
        role: 'api',
        promql: `sum by (target, reason) (rate(${m.dbReadRoutes.name}${r1m}))`,
        legend: '{{target}} ({{reason}})',
        scrape: (v) => rate(v, m.dbReadRoutes.name, ['target', 'reason']),
      },
    ],
  },
  {
    id: 'replica-lag',
    section: 'Database',
    title: 'Replica lag',
    help: 'How far each read replica is behind the primary. Past the bound the API stops reading from it.',
    unit: 'seconds',
    families: [
      {
        id: 'lag',
        role: 'api',
        promql: `max by (replica) (${m.dbReplicaLagSeconds.name})`,
        legend: '{{replica}}',
        scrape: (v) => gaugeMax(v, m.dbReplicaLagSeconds.name, ['replica']),
      },
    ],
    targets: (t) => [{ label: `bound ${t.replicaLagTargetSeconds} s`, value: t.replicaLagTargetSeconds }],
  },
  {
    id: 'queue-depth',
    section: 'Queues',
    title: 'Jobs in queue by state',
    help: 'Jobs waiting, running, delayed or failed per queue. The operator raises the worker floor when a backlog builds (markers).',
    unit: 'count',
    families: [
      {
        id: 'jobs',
        role: 'worker',
        promql: `max by (queue, state) (${m.queueJobs.name})`,
        legend: '{{queue}} {{state}}',
        scrape: (v) => gaugeMax(v, m.queueJobs.name, ['queue', 'state']),
      },
    ],
    decisions: (d) => d.kind === 'minReplicas' && !!d.queue,
  },
  {
    id: 'oldest-wait',
    section: 'Queues',
    title: 'Oldest waiting job',
    help: 'Age of the job that has waited longest to start, per queue; the target is the policy\u2019s longest allowed wait.',
    unit: 'seconds',
    families: [
      {
        id: 'oldest',
        role: 'worker',
        promql: `max by (queue) (${m.queueOldestWaitingSeconds.name})`,
        legend: '{{queue}}',
        scrape: (v) => gaugeMax(v, m.queueOldestWaitingSeconds.name, ['queue']),
      },
    ],
    targets: (t) =>
      workers(t.policies).map((w) => ({ label: `${w.queue} max ${w.maxWaitSeconds} s`, value: w.maxWaitSeconds })),
  },
  {
    id: 'wait-p95',
    section: 'Queues',
    title: 'Job wait p95',
    help: 'How long 95 % of jobs waited from enqueue to start, per queue.',
    unit: 'seconds',
    families: [
      {
        id: 'wait-p95',
        role: 'worker',
        promql: `histogram_quantile(0.95, sum by (le, queue) (rate(${m.queueWaitSeconds.name}_bucket${r1m})))`,
        legend: '{{queue}}',
        scrape: (v) => quantile(v, m.queueWaitSeconds.name, 0.95, ['queue']),
      },
    ],
    targets: (t) =>
      workers(t.policies).map((w) => ({ label: `${w.queue} max ${w.maxWaitSeconds} s`, value: w.maxWaitSeconds })),
  },
  {
    id: 'jobs-rate',
    section: 'Queues',
    title: 'Jobs done per second',
    help: 'Jobs the workers completed per second, per queue.',
    unit: 'perSecond',
    families: [
      {
        id: 'done',
        role: 'worker',
        promql: `sum by (queue) (rate(${m.queueJobsCompleted.name}${r1m}))`,
        legend: '{{queue}}',
        scrape: (v) => rate(v, m.queueJobsCompleted.name, ['queue']),
      },
    ],
  },
  {
    id: 'failures',
    section: 'Queues',
    title: 'Failed job attempts per second',
    help: 'Attempts that failed, per queue; "final" ones will not be retried and wait for a human.',
    unit: 'perSecond',
    families: [
      {
        id: 'failed',
        role: 'worker',
        promql: `sum by (queue, final) (rate(${m.queueJobsFailed.name}${r1m}))`,
        legend: '{{queue}} final={{final}}',
        scrape: (v) => rate(v, m.queueJobsFailed.name, ['queue', 'final']),
      },
    ],
  },
  {
    id: 'cpu-target',
    section: 'Scaling',
    title: 'HPA CPU target',
    help: 'The CPU utilisation the API\u2019s autoscaler aims at, as the operator set it; lower means more pods sooner.',
    unit: 'percent',
    families: [
      {
        id: 'cpu-target',
        role: 'operator',
        promql: `max by (hpa) (${m.operatorHpaCpuTarget.name})`,
        legend: '{{hpa}}',
        scrape: (v) => gaugeMax(v, m.operatorHpaCpuTarget.name, ['hpa']),
      },
    ],
    targets: (t) => {
      const a = api(t.policies);
      return a
        ? [
            { label: `min ${a.cpuTarget.min} %`, value: a.cpuTarget.min },
            { label: `max ${a.cpuTarget.max} %`, value: a.cpuTarget.max },
          ]
        : [];
    },
  },
  {
    id: 'replicas',
    section: 'Scaling',
    title: 'Replica floors and running instances',
    help: 'Floor: the fewest pods each autoscaler may run (set by the operator). Instances: processes answering their /metrics now.',
    unit: 'count',
    families: [
      {
        id: 'floor',
        role: 'operator',
        promql: `max by (hpa) (${m.operatorHpaMinReplicas.name})`,
        legend: 'floor {{hpa}}',
        scrape: (v) => gaugeMax(v, m.operatorHpaMinReplicas.name, ['hpa']),
      },
      {
        id: 'instances-api',
        role: 'api',
        promql: `count(${m.cacheL1Entries.name})`,
        legend: 'API instances',
        scrape: (v) => [{ labels: {}, value: v.targetsUp }],
      },
      {
        id: 'instances-worker',
        role: 'worker',
        promql: `count(count by (instance) (${m.queueJobs.name}))`,
        legend: 'worker instances',
        scrape: (v) => [{ labels: {}, value: v.targetsUp }],
      },
    ],
  },
];

/** Panel by id. */
export const panelById = new Map(panels.map((p) => [p.id, p]));
