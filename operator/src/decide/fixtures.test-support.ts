// Builders shared by the decide/ tests: a policy, observations and memory with sensible defaults.
import type { ScalingPolicySpec } from '../crd/index.ts';
import { defaultBehavior } from './decide.ts';
import type { HpaState, Memory, Observations } from './types.ts';
import { emptyMemory } from './types.ts';

export const T0 = 1_000_000;

export const policy = (over: Partial<ScalingPolicySpec> = {}): ScalingPolicySpec => ({
  dryRun: false,
  evaluationIntervalSeconds: 2,
  metrics: { source: 'scrape', queueSource: 'bullmq', windowSeconds: 30, staleAfterSeconds: 10 },
  behavior: defaultBehavior,
  api: { hpa: 'api', p95LatencyMs: 50, cpuTarget: { min: 40, max: 80 }, minReplicas: { min: 2, max: 20 } },
  workers: [{ queue: 'emails', hpa: 'worker', maxWaitSeconds: 30, replicas: { min: 1, max: 50 } }],
  cache: {
    hitRateTarget: 0.9,
    dbQueriesPerSecond: 500,
    classes: [{ name: 'product', ttlSeconds: { min: 60, default: 600, max: 3600 } }],
  },
  ...over,
});

export const hpa = (over: Partial<HpaState> = {}): HpaState => ({
  cpuTarget: 70,
  minReplicas: 2,
  maxReplicas: 100,
  ...over,
});

export const observations = (over: Partial<Observations> = {}): Observations => ({
  at: T0,
  p95LatencyMs: 30,
  dbQueriesPerSecond: 100,
  queues: { emails: { backlog: 0, oldestWaitSeconds: 0, arrivalPerSecond: 0, completedPerSecond: 0, workers: 1 } },
  cacheHitRates: { product: 0.95 },
  hpas: { api: hpa(), worker: hpa({ cpuTarget: 80, minReplicas: 1 }) },
  missing: [],
  ...over,
});

/** The policy's parts, non-optional (the full policy above has all of them). */
export const apiSpec = () => policy().api as NonNullable<ScalingPolicySpec['api']>;
export const workerSpec = () => policy().workers?.[0] as NonNullable<ScalingPolicySpec['workers']>[number];
export const cacheSpec = () => policy().cache as NonNullable<ScalingPolicySpec['cache']>;

export const memory = (over: Partial<Memory> = {}): Memory => ({ ...emptyMemory(), ...over });
