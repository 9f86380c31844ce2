/**
 * The inputs and outputs of the decision function. Everything is plain data (JSON-serialisable), so
 * the simulator can feed the same function and tests can write cases as tables.
 */

/** What a queue looks like now. Absent from {@link Observations.queues} means it could not be read. */
export interface QueueObservation {
  /** Jobs ready to start: waiting + prioritized (BullMQ keeps prioritized jobs in their own zset). */
  backlog: number;
  /** Age of the oldest job waiting to start, seconds (0 when none waits). */
  oldestWaitSeconds: number;
  /** Jobs arriving per second over the window; absent when not measurable yet. */
  arrivalPerSecond?: number;
  /** Jobs completed per second over the window; absent when not measurable yet. */
  completedPerSecond?: number;
  /** Worker processes consuming the queue now, when the source can count them. */
  workers?: number;
}

/** The fields of an HPA the operator reads and may write. */
export interface HpaState {
  /** averageUtilization of its Resource cpu metric; absent when it has none. */
  cpuTarget?: number;
  minReplicas: number;
  maxReplicas: number;
  /** From the HPA's status, when a controller fills it. */
  currentReplicas?: number;
  /** Average CPU utilization (percent of requests) the HPA last measured, from its status. */
  cpuUtilization?: number;
}

/** One evaluation's view of the world. A value that is absent was not measured; see `missing` for why. */
export interface Observations {
  /** When the readings were taken (ms since the epoch). */
  at: number;
  /** API p95 latency over the window, ms; absent when missing or when nothing was requested. */
  p95LatencyMs?: number;
  requestsPerSecond?: number;
  dbQueriesPerSecond?: number;
  /** Per queue name; absent = could not be read. */
  queues: Record<string, QueueObservation | undefined>;
  /** Per cache class, 0..1; absent = missing or no lookups in the window. */
  cacheHitRates: Record<string, number | undefined>;
  /** Current cache TTLs as stored (seconds), when readable. */
  cacheTtls?: Record<string, number | undefined>;
  /** Per HPA name; absent = not found or not readable. */
  hpas: Record<string, HpaState | undefined>;
  /** Metrics a source failed to read or found stale, each with its reason; empty when all were fresh. */
  missing: string[];
}

/** A change the operator wants made. `target` names the field: `hpa/<name>.cpuTarget` etc. */
export type Action =
  | { kind: 'cpuTarget'; hpa: string; target: string; from: number; to: number; reason: string }
  | { kind: 'minReplicas'; hpa: string; target: string; from: number; to: number; reason: string }
  | { kind: 'cacheTtl'; cls: string; target: string; from: number; to: number; reason: string };

/** What the decision function remembers between evaluations (owned by the caller, never mutated). */
export interface Memory {
  /** When each field (by its target name) last changed, ms: the minimum interval per field. */
  changedAt: Record<string, number>;
  /** Since when the API p95 has stayed well under its SLO (absent: it is not). */
  apiCalmSince?: number;
  /**
   * The loosest CPU target known to hold the SLO: below the last target that violated it, until
   * `until` (ms). Without it the cascade would loosen back into the same violation every calm spell.
   */
  apiCeiling?: { cpuTarget: number; until: number };
  /** Per queue: measured throughput of one replica (jobs/s) and since when fewer replicas would do. */
  queues: Record<string, { perReplica?: number; belowSince?: number }>;
  /** TTLs as last set by the operator, used when the store cannot tell. */
  ttls: Record<string, number>;
}

/** The result of one evaluation. */
export interface Decision {
  actions: Action[];
  memory: Memory;
  /** Why nothing moved where something might have (one line each, for logs and status). */
  holds: string[];
  /** False when any metric the policy needs was missing or stale: values held, no scale-down. */
  metricsAvailable: boolean;
  missing: string[];
}

/** A fresh memory. */
export const emptyMemory = (): Memory => ({ changedAt: {}, queues: {}, ttls: {} });
