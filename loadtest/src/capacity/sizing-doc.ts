// The sizing half of docs/capacity.md (inputs, the table with its formulas, what it says) and the summary
// table docs/install.md includes. Every figure is computed here from model.ts; the words around the
// figures are chosen by comparing them, so they stay true when the numbers move.

import { type Assumption, assumptions } from './assumptions.ts';
import { bytes, int, num, pair, redisBytes } from './format.ts';
import {
  type Inputs,
  listPages,
  reservedConnections,
  type Sizing,
  staffingBeta,
  targetDbQueriesPerRequest,
} from './model.ts';

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const tierHeads = (tiers: Sizing[]) => tiers.map((t) => `${compactUsers(t.users)} users`);

/** 10k, 100k, 2M. */
export function compactUsers(users: number): string {
  return users >= 1e6 ? `${users / 1e6}M` : users >= 1e3 ? `${users / 1e3}k` : String(users);
}

export function inputsSection(i: Inputs): string {
  const { measured: m, shipped: s } = i;
  const a: Assumption[] = Object.values(assumptions);
  const pages = listPages(s.listPageKinds, m.catalogue.categories, m.catalogue.brands);
  const k = s.listPageKinds;
  return [
    '## Assumptions',
    '',
    'Not measured yet: each one is a number to replace with a measurement, and says where it comes from.',
    '',
    row(['symbol', 'assumption', 'value', 'source']),
    row(['---', '---', '---', '---']),
    ...a.map((x) => row([x.symbol, x.what, `${x.value}${x.unit ? ` ${x.unit}` : ''}`, x.source])),
    '',
    '## Measured',
    '',
    `From the last \`make bench\`: the API benchmark of ${m.apiDate.slice(0, 10)} (\`docs/benchmarks-api.json\`, medians`,
    'over its rounds) and the Worker table of `docs/benchmarks.md`. Both ran on 2 shared cores with the data stores and',
    'the load generator on the same cores, so a per-process figure is a floor for a pod with a core of its own.',
    '',
    row(['symbol', 'figure', 'value']),
    row(['---', '---', '---']),
    row(['P', 'browse-mix req/s one API process serves at saturation, cache on (`browse/default`)', int(m.podRps)]),
    row([
      'p95½',
      'browse-mix p95 at half of that rate, open model (`browse-half/default`)',
      `${num(m.p95AtHalfMs, 1)} ms`,
    ]),
    row(['hit', 'cache hit rate of the browse mix at saturation', num(m.hitRate, 3)]),
    row(['q', 'DB queries per request of the browse mix', num(m.dbQueriesPerRequest, 3)]),
    row([
      'D',
      'DB queries/s one Postgres serves on the browse mix with the cache off (`browse/before`: req/s × queries/request)',
      int(m.postgresQps),
    ]),
    row(['W', 'order-confirmation jobs/s of one worker process into a local SMTP sink', int(m.workerJobsPerSecond)]),
    row([
      'N_p, N_c, N_b',
      'products, categories and brands of the catalogue browsed',
      `${int(m.catalogue.products)}, ${int(m.catalogue.categories)}, ${int(m.catalogue.brands)}`,
    ]),
    '',
    '## Shipped defaults',
    '',
    row(['symbol', 'value', 'from']),
    row(['---', '---', '---']),
    row([
      'u',
      num(s.cpuTarget),
      '`api.autoscaling.targetCPUUtilizationPercentage` of values.yaml: pods are planned at this share of their measured rate',
    ]),
    row(['min', int(s.apiMinReplicas), '`api.autoscaling.minReplicas`']),
    row(['n_b', int(s.pgbouncerReplicas), '`pgbouncer.replicas`']),
    row([
      'pool',
      int(s.dbPoolSize),
      '`DATABASE_POOL_SIZE` (core/src/db/config.ts): connections to PgBouncer per process',
    ]),
    row([
      'pool_r',
      int(s.replicaPoolSize),
      '`DATABASE_REPLICA_POOL_SIZE`: connections to each replica per API process',
    ]),
    row([
      'cₑ, cₙ',
      `${s.queues.emails.concurrency}, ${s.queues.notifications.concurrency}`,
      '`workers.queues.{emails,notifications}.concurrency`',
    ]),
    row([
      'waitₑ, waitₙ',
      `${s.queues.emails.maxWaitSeconds} s, ${s.queues.notifications.maxWaitSeconds} s`,
      '`workers.queues.*.maxWaitSeconds`: the longest a job may wait, so the deepest backlog to hold',
    ]),
    row([
      'keep',
      `${int(s.keepCompleted)} + ${int(s.keepFailed)}`,
      '`WORKER_KEEP_COMPLETED_COUNT` + `WORKER_KEEP_FAILED_COUNT` (worker/src/config.ts): jobs kept per queue',
    ]),
    row([
      'ret',
      `${num(s.ledgerRetentionSeconds / 86_400)} days`,
      '`LEDGER_RETENTION_S`: how long a done ledger record is kept',
    ]),
    row([
      'N_l',
      int(pages),
      `cacheable list pages of the browse mix (loadtest/src/browse-targets.ts): ${k.filterVariants} filters × ${k.sorts} sorts × ${k.listDepth} pages + (N_c + N_b) × ${k.sorts} sorts × ${k.facetDepth} pages; searches not counted (an LRU keeps their hot part)`,
    ]),
  ].join('\n');
}

/** The sizing table: one row per quantity, its formula, one column per tier, and the chart's default. */
export function sizingTable(i: Inputs, tiers: Sizing[]): string {
  const { a, shipped: s } = i;
  const c = s.chart;
  const per = (f: (t: Sizing) => string) => tiers.map(f);
  const rows: Array<[string, string, string[], string]> = [
    ['concurrent users C', 'U × a', per((t) => int(t.concurrent)), ''],
    ['requests/s at the peak R / in the sale Rₛ', 'C × r; Rₛ = R × m', per((t) => pair(t.rps)), ''],
    [
      "**API pods** at the peak / in the sale (the HPA's `maxReplicas`)",
      'max(min, ⌈R ÷ (P × u)⌉)',
      per((t) => pair(t.apiPods)),
      `min ${s.apiMinReplicas}, max ${c.apiMaxReplicas}`,
    ],
    ['email jobs/s Jₑ', 'R × j; Rₛ × jₛ', per((t) => pair(t.jobs.emails, num)), ''],
    ['jobs/s of one email worker pod Wₑ', 'min(W, cₑ ÷ tₘ)', per((t) => num(t.workerRates.emails)), ''],
    [
      '**email worker pods**',
      'max(1, ⌈Jₑ ÷ (Wₑ × u)⌉)',
      per((t) => pair(t.workerPods.emails)),
      `min 1, max ${c.workerMaxReplicas.emails}`,
    ],
    ['notification jobs/s Jₙ', 'Jₑ × k', per((t) => pair(t.jobs.notifications, num)), ''],
    ['jobs/s of one notification worker pod Wₙ', 'min(W, cₙ ÷ tₙ)', per((t) => num(t.workerRates.notifications)), ''],
    [
      '**notification worker pods**',
      'max(1, ⌈Jₙ ÷ (Wₙ × u)⌉)',
      per((t) => pair(t.workerPods.notifications)),
      `min 1, max ${c.workerMaxReplicas.notifications}`,
    ],
    ['read queries/s on the replicas Q', 'R × q', per((t) => pair(t.readQps)), ''],
    ['**Postgres read replicas**', 'max(1, ⌈Q ÷ (D × h)⌉)', per((t) => pair(t.replicas)), int(c.readReplicas)],
    [
      `read replicas in the sale at issue 12's ${targetDbQueriesPerRequest} queries/request`,
      `⌈Rₛ × ${targetDbQueriesPerRequest} ÷ (D × h)⌉`,
      per((t) => int(t.replicasAtTarget)),
      '',
    ],
    [
      'connections on each replica in the sale',
      'API podsₛ × pool_r',
      per((t) => int(t.replicaConnections)),
      `max_connections ${c.maxConnections}`,
    ],
    ['write transactions/s on the primary in the sale T', 'Rₛ × w + Jₑₛ + Jₙₛ', per((t) => int(t.primaryTps)), ''],
    [
      '**PgBouncer `default_pool_size`** (each of n_b)',
      `⌈λ + ${staffingBeta}√λ⌉, λ = T × tₜ ÷ n_b (square-root staffing)`,
      per((t) => int(t.pgbouncerPool)),
      int(c.pgbouncerPool),
    ],
    [
      '**PgBouncer `max_client_conn`** (each: one may take every client while another restarts)',
      '(API podsₛ + worker podsₛ) × pool',
      per((t) => int(t.maxClientConn)),
      int(c.maxClientConn),
    ],
    [
      'Postgres `max_connections` on the primary',
      `n_b × default_pool_size + ${reservedConnections} reserved`,
      per((t) => int(t.primaryMaxConnections)),
      int(c.maxConnections),
    ],
    [
      'Redis cache: catalogue',
      `N_p × b_d + N_l × (${s.listPageKinds.pageSize} × b_i + 200 B)`,
      per((t) => bytes(t.cache.catalogueBytes)),
      '',
    ],
    ['Redis cache: sessions and rate limits in the sale', 'C × m × b_s', per((t) => bytes(t.cache.userBytes)), ''],
    ['**Redis cache `maxmemory`**', '(catalogue + users) ÷ h', per((t) => bytes(t.cache.maxmemory)), c.cacheMaxmemory],
    ['Redis queue: jobs', 'Σ over queues (Jₛ × wait + keep) × b_j', per((t) => bytes(t.queue.jobBytes)), ''],
    [
      'Redis queue: idempotency ledger',
      'jobs/day × ret × b_l; jobs/day = ∫ Jₑ dt over the day trace × (1 + k)',
      per((t) => bytes(t.queue.ledgerBytes)),
      '',
    ],
    ['**Redis queue `maxmemory`**', '(jobs + ledger) ÷ h', per((t) => bytes(t.queue.maxmemory)), c.queueMaxmemory],
  ];
  return [
    row(['', 'formula', ...tierHeads(tiers), 'chart default']),
    row(['---', '---', ...tiers.map(() => '---'), '---']),
    ...rows.map(([what, formula, cells, chart]) => row([what, formula, ...cells, chart])),
    '',
    `Headroom: pods are planned at u = ${num(s.cpuTarget)} of their measured rate (the HPA's target), Postgres and Redis at`,
    `h = ${a.dbHeadroom}, PgBouncer's pools by square-root staffing (β = ${staffingBeta}). A "peak / sale" cell gives the daily peak and the height of the flash sale: the sale's pods are the`,
    'HPA maximum; replicas, pools and memory cannot grow within a sale that ramps in a minute (a replica takes minutes to',
    'clone), so they are sized for the sale.',
  ].join('\n');
}

/** Sentences that compare the figures with the targets and with what the chart installs. */
export function findings(i: Inputs, tiers: Sizing[]): string {
  const { measured: m, shipped: s, a } = i;
  const big = tiers.at(-1) as Sizing;
  const small = tiers[0] as Sizing;
  const queueLimit = redisBytes(s.chart.queueMaxmemory);
  const firstOver = tiers.find((t) => t.queue.maxmemory > queueLimit);
  const processes = big.apiPods.sale + big.workerPods.emails.sale + big.workerPods.notifications.sale;
  const busyPerProcess = (big.primaryTps * a.txSeconds) / processes;
  const out = [
    `- **Latency.** The browse mix's p95 at half of saturation was ${num(m.p95AtHalfMs, 1)} ms against the ${a.p95SloMs} ms SLO` +
      (m.p95AtHalfMs > a.p95SloMs
        ? ": on the bench machine, pods planned at u of saturation do not hold the SLO, so the pod counts above are a floor (docs/benchmarks.md has that run's load and shortfalls)."
        : ': pods planned at u of saturation hold the SLO on the bench machine.'),
    `- **Replicas follow the hit rate.** With the measured ${num(m.dbQueriesPerRequest, 3)} queries/request (hit rate ${num(m.hitRate, 2)}), ` +
      `the 2M sale needs ${int(big.replicas.sale)} replicas of the bench machine's size; at issue 12's ${targetDbQueriesPerRequest} it would need ` +
      `${int(big.replicasAtTarget)}. D is a cache-off mix of every query on 2 shared cores: a larger replica serves more, and a sale's traffic ` +
      'concentrates on few products, which lifts the hit rate. This row is the one to re-measure first.',
    `- **Replica connections.** Every API process opens up to ${s.replicaPoolSize} connections to every replica, so in the 2M sale each ` +
      `replica would see ${int(big.replicaConnections)} against max_connections ${s.chart.maxConnections}` +
      (big.replicaConnections > s.chart.maxConnections
        ? ': past some tens of API pods, put a pooler in front of the replicas or lower `DATABASE_REPLICA_POOL_SIZE`.'
        : '.'),
    `- **The ledger dominates the queue Redis.** Done records are kept ${num(s.ledgerRetentionSeconds / 86_400)} days: ` +
      `${bytes(small.queue.ledgerBytes)} at 10k users, ${bytes(big.queue.ledgerBytes)} at 2M` +
      (firstOver
        ? `, past the chart's ${s.chart.queueMaxmemory} from ${compactUsers(firstOver.users)} users on (noeviction: a full queue Redis refuses new jobs). A retention of days would still cover the duplicates the code makes (a retried request, an outbox row enqueued again after its lease).`
        : `, within the chart's ${s.chart.queueMaxmemory}.`),
    `- **PgBouncer.** The 2M sale keeps ${int(big.primaryTps * a.txSeconds)} server connections busy (T × tₜ): ${int(big.pgbouncerPool)} per ` +
      `instance by square-root staffing (chart: ${s.chart.pgbouncerPool}). Its clients, ${int(big.maxClientConn)}, are ${s.dbPoolSize} per process ` +
      `while a process keeps ${num(busyPerProcess, 2)} busy on average` +
      (busyPerProcess < s.dbPoolSize
        ? ': a smaller `DATABASE_POOL_SIZE` would cut `max_client_conn` without slowing a write.'
        : '.'),
  ];
  return out.join('\n');
}

/** The table docs/install.md includes between its sizing markers. */
export function installSizing(i: Inputs, tiers: Sizing[]): string {
  const c = i.shipped.chart;
  const per = (f: (t: Sizing) => string) => tiers.map(f);
  return [
    row(['', ...tierHeads(tiers), 'chart default']),
    row(['---', ...tiers.map(() => '---'), '---']),
    row([`requests/s at the peak / in a ${i.a.saleMultiplier}× sale`, ...per((t) => pair(t.rps)), '']),
    row([
      'API pods, peak / sale (`api.autoscaling.maxReplicas`)',
      ...per((t) => pair(t.apiPods)),
      `min ${i.shipped.apiMinReplicas}, max ${c.apiMaxReplicas}`,
    ]),
    row([
      '`workers.queues.emails` pods, peak / sale',
      ...per((t) => pair(t.workerPods.emails)),
      `min 1, max ${c.workerMaxReplicas.emails}`,
    ]),
    row([
      '`workers.queues.notifications` pods, peak / sale',
      ...per((t) => pair(t.workerPods.notifications)),
      `min 1, max ${c.workerMaxReplicas.notifications}`,
    ]),
    row(['`postgresql.replica.replicas` (for the sale)', ...per((t) => int(t.replicas.sale)), int(c.readReplicas)]),
    row(['`pgbouncer.defaultPoolSize`', ...per((t) => int(t.pgbouncerPool)), int(c.pgbouncerPool)]),
    row(['`pgbouncer.maxClientConn`', ...per((t) => int(t.maxClientConn)), int(c.maxClientConn)]),
    row(['`redisCache.maxmemory`', ...per((t) => bytes(t.cache.maxmemory)), c.cacheMaxmemory]),
    row(['`redisQueue.maxmemory`', ...per((t) => bytes(t.queue.maxmemory)), c.queueMaxmemory]),
  ].join('\n');
}
