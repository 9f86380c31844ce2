import { type Static, Type as T } from '@sinclair/typebox';
import { minNotAboveMax, withRules } from './rules.ts';

/**
 * The ScalingPolicy spec: the one source of truth. The CRD's OpenAPI schema
 * (operator/crd/scalingpolicies.autoscaling.avelon.io.yaml) is generated from it by generate.ts, the
 * standalone loader validates YAML files with it, and the TS types below are derived from it.
 * `additionalProperties: false` rejects unknown fields outside a cluster; the CRD generator drops it
 * (structural schemas forbid it) and the apiserver rejects unknown fields under fieldValidation=Strict,
 * the default of kubectl.
 */

const name = T.String({ minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' });
const closed = { additionalProperties: false } as const;

const bounds = (what: string, min: number, max: number, doc: string) =>
  withRules(
    T.Object(
      { min: T.Integer({ minimum: min, maximum: max }), max: T.Integer({ minimum: min, maximum: max }) },
      { ...closed, description: doc },
    ),
    [minNotAboveMax(what)],
  );

const apiSpec = T.Object(
  {
    hpa: T.String({ ...name, description: 'The API HorizontalPodAutoscaler (autoscaling/v2) the operator steers.' }),
    p95LatencyMs: T.Integer({ minimum: 1, maximum: 60_000, description: 'SLO: p95 request latency, milliseconds.' }),
    cpuTarget: bounds('cpuTarget', 1, 100, 'Bounds of the HPA CPU utilization target (percent) the operator may set.'),
    minReplicas: bounds('minReplicas', 1, 1000, 'Bounds of the HPA replica floor the operator may set.'),
  },
  { ...closed, description: 'API cascade: move the HPA CPU target (then its floor) to hold p95 under the SLO.' },
);

const workerSpec = withRules(
  T.Object(
    {
      queue: T.String({
        minLength: 1,
        maxLength: 64,
        description: 'BullMQ queue name (core/src/queues/contracts.ts).',
      }),
      hpa: T.String({ ...name, description: 'The worker HorizontalPodAutoscaler whose minReplicas is the floor.' }),
      maxWaitSeconds: T.Integer({ minimum: 1, maximum: 86_400, description: 'Longest a job should wait to start.' }),
      replicas: bounds('replicas', 0, 1000, 'Bounds of the replica floor the operator may set.'),
      jobsPerSecondPerReplica: T.Optional(
        T.Number({
          exclusiveMinimum: 0,
          maximum: 100_000,
          description: 'Throughput of one replica until one is measured (sizing of the first burst).',
        }),
      ),
    },
    { ...closed },
  ),
  [{ rule: 'self.replicas.max >= 1', message: 'replicas.max must be at least 1', check: (s) => s.replicas.max >= 1 }],
);

const cacheClassSpec = withRules(
  T.Object(
    {
      name: T.String({ minLength: 1, maxLength: 64, description: 'Cache class (core/src/cache/ttl-contract.ts).' }),
      ttlSeconds: T.Object(
        {
          min: T.Integer({ minimum: 1, maximum: 86_400 }),
          default: T.Integer({ minimum: 1, maximum: 86_400 }),
          max: T.Integer({ minimum: 1, maximum: 86_400 }),
        },
        { ...closed },
      ),
    },
    { ...closed },
  ),
  [
    {
      rule: 'self.ttlSeconds.min <= self.ttlSeconds.default && self.ttlSeconds.default <= self.ttlSeconds.max',
      message: 'ttlSeconds: min <= default <= max must hold',
      check: (s) => s.ttlSeconds.min <= s.ttlSeconds.default && s.ttlSeconds.default <= s.ttlSeconds.max,
    },
  ],
);

const cacheSpec = T.Object(
  {
    hitRateTarget: T.Number({
      minimum: 0,
      maximum: 1,
      description: 'Hit rate under which a class may get a longer TTL.',
    }),
    dbQueriesPerSecond: T.Integer({
      minimum: 1,
      default: 500,
      description: 'Database queries/s (all API instances) above which the database counts as under pressure.',
    }),
    classes: T.Array(cacheClassSpec, {
      maxItems: 32,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    }),
  },
  { ...closed, description: 'Cache TTLs per class, written to the cache Redis for the API.' },
);

const scrapeTarget = T.Object(
  {
    service: T.Optional(T.String({ ...name, description: 'Find pods through the EndpointSlices of this Service.' })),
    // Every app of the platform serves /metrics on its ops port, which the chart names `metrics`.
    port: T.String({ default: 'metrics', maxLength: 63, description: 'EndpointSlice port name to scrape.' }),
    path: T.String({ default: '/metrics', maxLength: 256, pattern: '^/' }),
    urls: T.Optional(T.Array(T.String({ maxLength: 2048, pattern: '^https?://' }), { maxItems: 64 })),
  },
  { ...closed },
);

const metricsSpec = withRules(
  T.Object(
    {
      source: T.Union([T.Literal('scrape'), T.Literal('prometheus')], {
        default: 'scrape',
        description: 'Where latency, cache and database metrics come from.',
      }),
      queueSource: T.Union([T.Literal('bullmq'), T.Literal('scrape'), T.Literal('prometheus')], {
        default: 'bullmq',
        description: 'Where queue depth and rates come from; bullmq reads the queue Redis directly.',
      }),
      windowSeconds: T.Integer({ minimum: 4, maximum: 3600, default: 30, description: 'Rate and quantile window.' }),
      staleAfterSeconds: T.Integer({
        minimum: 1,
        maximum: 3600,
        default: 10,
        description: 'A reading older than this counts as missing: values are held, never scaled down.',
      }),
      scrape: T.Optional(T.Object({ api: T.Optional(scrapeTarget), worker: T.Optional(scrapeTarget) }, closed)),
      prometheus: T.Optional(
        T.Object(
          {
            url: T.String({ maxLength: 2048, pattern: '^https?://' }),
            apiSelector: T.String({ default: '', maxLength: 512, description: 'PromQL label matchers of the API.' }),
            workerSelector: T.String({ default: '', maxLength: 512, description: 'PromQL matchers of workers.' }),
          },
          closed,
        ),
      ),
    },
    { ...closed, default: {}, description: 'Where the metrics come from; missing or stale ones are never read as 0.' },
  ),
  [
    {
      rule: "(self.source != 'prometheus' && self.queueSource != 'prometheus') || has(self.prometheus)",
      message: 'metrics.prometheus.url is required when a source is prometheus',
      check: (s) => (s.source !== 'prometheus' && s.queueSource !== 'prometheus') || s.prometheus !== undefined,
    },
  ],
);

const behaviorSpec = T.Object(
  {
    cpuTargetDownIntervalSeconds: T.Integer({ minimum: 0, maximum: 3600, default: 15 }),
    cpuTargetUpIntervalSeconds: T.Integer({ minimum: 0, maximum: 86_400, default: 60 }),
    cpuTargetUpStep: T.Integer({ minimum: 1, maximum: 50, default: 5 }),
    raiseAfterSeconds: T.Integer({
      minimum: 0,
      maximum: 86_400,
      default: 60,
      description: 'How long p95 must stay well under the SLO before the API is loosened again.',
    }),
    wellUnderRatio: T.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.7 }),
    floorUpIntervalSeconds: T.Integer({ minimum: 0, maximum: 3600, default: 2 }),
    floorDownIntervalSeconds: T.Integer({ minimum: 0, maximum: 86_400, default: 30 }),
    scaleDownStabilizationSeconds: T.Integer({ minimum: 0, maximum: 86_400, default: 60 }),
    ttlIntervalSeconds: T.Integer({ minimum: 0, maximum: 86_400, default: 30 }),
  },
  { ...closed, default: {}, description: 'Hysteresis and pacing; the defaults suit production, tests shorten them.' },
);

/** The ScalingPolicy spec schema. */
export const scalingPolicySpecSchema = T.Object(
  {
    dryRun: T.Boolean({ default: false, description: 'Compute and report decisions without applying them.' }),
    evaluationIntervalSeconds: T.Integer({ minimum: 1, maximum: 300, default: 2 }),
    api: T.Optional(apiSpec),
    workers: T.Optional(
      T.Array(workerSpec, { maxItems: 20, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['queue'] }),
    ),
    cache: T.Optional(cacheSpec),
    metrics: metricsSpec,
    behavior: T.Optional(behaviorSpec),
  },
  closed,
);

/** A ScalingPolicy spec, as the operator uses it (defaults filled). */
export type ScalingPolicySpec = Static<typeof scalingPolicySpecSchema>;
export type ApiSpec = Static<typeof apiSpec>;
export type WorkerSpec = Static<typeof workerSpec>;
export type CacheSpec = Static<typeof cacheSpec>;
export type MetricsSpec = Static<typeof metricsSpec>;
export type ScrapeTargetSpec = Static<typeof scrapeTarget>;
export type BehaviorSpec = Static<typeof behaviorSpec>;
export const behaviorSchema = behaviorSpec;
