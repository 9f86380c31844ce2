// The capacity model's assumptions: the numbers not measured yet, stated once, each with its symbol in the
// formulas and where it comes from (the seed, the brief, the simulator's traces, or "none"). docs/capacity.md
// prints this table; replacing a row with a measurement is the way to improve the model.

/** One stated assumption: its symbol in the formulas, value, unit and where the number comes from. */
export interface Assumption {
  symbol: string;
  what: string;
  value: number;
  unit: string;
  source: string;
}

/** The assumptions, by key; every formula that uses one names its symbol. */
export const assumptions = {
  concurrentShare: {
    symbol: 'a',
    what: 'concurrent users at the daily peak, share of all users',
    value: 0.05,
    unit: '',
    source: 'seed: "2M+ users" as the scale target and "100K+" concurrent users (Key Metrics): 100k ÷ 2M',
  },
  rpsPerConcurrent: {
    symbol: 'r',
    what: 'requests/s of one concurrent user',
    value: 0.3,
    unit: 'req/s',
    source: 'seed: "30K+ req/sec" at "100K+" concurrent users: 30k ÷ 100k',
  },
  saleMultiplier: {
    symbol: 'm',
    what: 'flash sale: the arrival rate times this, for about 30 minutes',
    value: 10,
    unit: '×',
    source: 'issue 12 (a 10× spike for about 30 minutes)',
  },
  nightShare: {
    symbol: 'n',
    what: 'night rate, share of the evening peak',
    value: 0.06,
    unit: '',
    source: 'operator/traces/steady-day.json: 300 req/s at night, 5000 in the evening',
  },
  lunchShare: {
    symbol: 'l',
    what: 'lunch peak, share of the evening peak',
    value: 0.9,
    unit: '',
    source: 'operator/traces/steady-day.json: 4500 req/s at lunch, 5000 in the evening',
  },
  emailsPerRequest: {
    symbol: 'j',
    what: 'email jobs per request, a normal day',
    value: 0.01,
    unit: 'jobs/req',
    source: 'operator/traces/steady-day.json: jobs follow requests, 1 per 100',
  },
  saleEmailsPerRequest: {
    symbol: 'jₛ',
    what: 'email jobs per request during the sale (more orders per visit)',
    value: 0.033,
    unit: 'jobs/req',
    source: 'operator/traces/flash-sale.json: 400 jobs/s at 12 000 req/s',
  },
  notificationsPerEmail: {
    symbol: 'k',
    what: 'notification jobs per email job',
    value: 0.5,
    unit: '',
    source: 'none: a placeholder until production measures it',
  },
  smtpSeconds: {
    symbol: 'tₘ',
    what: 'time of one SMTP send to a real relay (the benchmark sends to a local sink)',
    value: 0.4,
    unit: 's',
    source: 'docs/operator.md, simulator model: 40 jobs/s per replica = 16 concurrent sends of ~0.4 s',
  },
  notificationSeconds: {
    symbol: 'tₙ',
    what: 'time of one in-app notification job (one Postgres insert)',
    value: 0.02,
    unit: 's',
    source: 'none: brief numbers.md gives 2–15 ms per query; taken at 20 ms with the round trip',
  },
  dbHeadroom: {
    symbol: 'h',
    what: 'planned utilization of Postgres and Redis (headroom for growth, failover, fragmentation)',
    value: 0.7,
    unit: '',
    source: "the same share as the chart's CPU target (values.yaml)",
  },
  writesPerRequest: {
    symbol: 'w',
    what: 'write transactions on the primary per request (cart, checkout, sign-in)',
    value: 0.02,
    unit: 'tx/req',
    source: 'none: the browse mix is read-only; a guess for the shop share of traffic',
  },
  txSeconds: {
    symbol: 'tₜ',
    what: 'time a write transaction holds a server connection',
    value: 0.01,
    unit: 's',
    source: 'brief numbers.md: one query 2–15 ms; a short transaction taken at 10 ms',
  },
  detailBytes: {
    symbol: 'b_d',
    what: 'Redis bytes of one cached product detail (body, ETag, key, overhead)',
    value: 1500,
    unit: 'B',
    source: 'docs/benchmarks.md (Load generator): a ~1.3 KB detail body, plus ~200 B of key and overhead',
  },
  listItemBytes: {
    symbol: 'b_i',
    what: 'bytes per product on a cached list page (+ 200 B per entry)',
    value: 450,
    unit: 'B',
    source: "none: a list item carries about a third of the detail's fields",
  },
  sessionBytes: {
    symbol: 'b_s',
    what: 'Redis bytes per signed-in concurrent user (cached session) and rate-limit key per user',
    value: 550,
    unit: 'B',
    source: 'none: ~400 B session + ~150 B rate-limit counter',
  },
  jobBytes: {
    symbol: 'b_j',
    what: 'Redis bytes of one BullMQ job (hash with data, options, timestamps)',
    value: 2000,
    unit: 'B',
    source: 'none: to be measured with MEMORY USAGE',
  },
  ledgerBytes: {
    symbol: 'b_l',
    what: 'Redis bytes of one idempotency-ledger record (hash: state, token, lease, detail)',
    value: 300,
    unit: 'B',
    source: 'none: to be measured with MEMORY USAGE',
  },
  prioritizedShare: {
    symbol: 'p',
    what: 'simulator: share of jobs enqueued with a priority (order confirmations)',
    value: 0.5,
    unit: '',
    source: 'operator/traces/flash-sale.json',
  },
  baseLatencyMs: {
    symbol: 'L₀',
    what: 'simulator: latency no scaling removes (Redis round trip, network)',
    value: 3,
    unit: 'ms',
    source: 'operator/traces/*.json (world model)',
  },
  apiStartSeconds: {
    symbol: 'sₐ',
    what: 'simulator: seconds from a scale-up decision to a ready API pod (workers: half of it)',
    value: 20,
    unit: 's',
    source: 'operator/traces/*.json (world model)',
  },
  p95SloMs: {
    symbol: 'SLO',
    what: "API p95 objective (jobs: the emails queue's maxWaitSeconds of values.yaml)",
    value: 30,
    unit: 'ms',
    source: 'seed: API Response Time (p95) 30 ms, week 16',
  },
} as const satisfies Record<string, Assumption>;

export type Assumptions = { [K in keyof typeof assumptions]: number };

/** The assumption values alone, for the formulas. */
export const assumptionValues = (): Assumptions =>
  Object.fromEntries(Object.entries(assumptions).map(([k, a]) => [k, a.value])) as Assumptions;
