import { type Static, Type as T } from '@sinclair/typebox';

/**
 * The ScalingPolicy status, written by the operator through the status subresource. Typed (not
 * `x-kubernetes-preserve-unknown-fields`) so `kubectl explain` documents it and the printer columns
 * point at fields that exist.
 */

const time = T.String({ format: 'date-time' });

/** The metav1.Condition shape, as every Kubernetes controller reports conditions. */
const condition = T.Object({
  type: T.String({ maxLength: 316 }),
  status: T.Union([T.Literal('True'), T.Literal('False'), T.Literal('Unknown')]),
  reason: T.String({ maxLength: 1024 }),
  message: T.String({ maxLength: 32_768 }),
  lastTransitionTime: time,
  observedGeneration: T.Optional(T.Integer({ minimum: 0 })),
});

const queueObserved = T.Object({
  queue: T.String(),
  backlog: T.Optional(T.Integer()),
  oldestWaitSeconds: T.Optional(T.Number()),
  arrivalPerSecond: T.Optional(T.Number()),
  completedPerSecond: T.Optional(T.Number()),
  workers: T.Optional(T.Integer()),
  missing: T.Optional(T.String({ description: 'Why the queue could not be read (values held meanwhile).' })),
});

const observed = T.Object({
  time: T.Optional(time),
  p95LatencyMs: T.Optional(T.Number()),
  requestsPerSecond: T.Optional(T.Number()),
  dbQueriesPerSecond: T.Optional(T.Number()),
  queues: T.Optional(T.Array(queueObserved)),
  cacheHitRates: T.Optional(T.Array(T.Object({ class: T.String(), hitRate: T.Number() }))),
  missing: T.Optional(T.Array(T.String(), { description: 'Metrics that were missing or stale.' })),
});

const applied = T.Object({
  api: T.Optional(
    T.Object({ hpa: T.String(), cpuTarget: T.Optional(T.Integer()), minReplicas: T.Optional(T.Integer()) }),
  ),
  workers: T.Optional(T.Array(T.Object({ queue: T.String(), hpa: T.String(), minReplicas: T.Optional(T.Integer()) }))),
  cacheTtls: T.Optional(T.Array(T.Object({ class: T.String(), ttlSeconds: T.Integer() }))),
});

const decision = T.Object({
  time,
  target: T.String({ description: 'hpa/<name>.cpuTarget, hpa/<name>.minReplicas or cache/<class>.ttl' }),
  from: T.Optional(T.Number()),
  to: T.Number(),
  reason: T.String(),
  mode: T.Union([T.Literal('applied'), T.Literal('dryRun'), T.Literal('refused')]),
});

/** The ScalingPolicy status schema. */
export const scalingPolicyStatusSchema = T.Object({
  observedGeneration: T.Optional(T.Integer({ minimum: 0 })),
  leader: T.Optional(T.String({ description: 'Identity of the operator process that wrote this status.' })),
  lastEvaluationTime: T.Optional(time),
  conditions: T.Optional(
    T.Array(condition, { maxItems: 16, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }),
  ),
  observed: T.Optional(observed),
  applied: T.Optional(applied),
  recentDecisions: T.Optional(T.Array(decision, { maxItems: 20 })),
});

export type ScalingPolicyStatus = Static<typeof scalingPolicyStatusSchema>;
export type Condition = Static<typeof condition>;
export type Decision = Static<typeof decision>;
export type ObservedStatus = Static<typeof observed>;
export type AppliedStatus = Static<typeof applied>;
