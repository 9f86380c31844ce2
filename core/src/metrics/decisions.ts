/**
 * The operator's decision record as it serves it on `GET /decisions` (both modes) and the dashboard
 * reads it: every change with its reason, the values it reacted to, from -> to and time. A contract
 * between two apps, so it lives in core. Sequence numbers let a reader ask only for what it has not
 * seen (`?since=`), so no decision is lost between two polls as long as the operator keeps it.
 */

/** Path of the operator's decision record. */
export const operatorDecisionsPath = '/decisions';

/** What a decision changed: the API's HPA CPU target or floor, a worker HPA's floor, a cache TTL. */
export type DecisionKind = 'cpuTarget' | 'minReplicas' | 'cacheTtl';

/** One change the operator decided, applied (or, dry run / refused, only reported). */
export interface DecisionRecord {
  /** Increases by one per decision within one operator process. */
  seq: number;
  policy: string;
  /** ISO time of the evaluation that decided it. */
  time: string;
  /** `hpa/<name>.cpuTarget`, `hpa/<name>.minReplicas` or `cache/<class>.ttl`. */
  target: string;
  kind: DecisionKind;
  /** Set for HPA changes. */
  hpa?: string;
  /** Set when the HPA is a worker's: the queue it serves. */
  queue?: string;
  /** Set for TTL changes. */
  cacheClass?: string;
  from: number;
  to: number;
  reason: string;
  mode: 'applied' | 'dryRun' | 'refused';
  /** The observations the decision used, by name (p95LatencyMs, sloMs, backlog, hitRate ...). */
  observed: Record<string, number>;
}

/** A policy's goals, so a reader can draw the target lines the operator steers to. */
export interface PolicyTargets {
  name: string;
  api?: { hpa: string; p95LatencyMs: number; cpuTarget: { min: number; max: number } };
  workers: Array<{ queue: string; hpa: string; maxWaitSeconds: number; replicas: { min: number; max: number } }>;
  cache?: {
    hitRateTarget: number;
    classes: Array<{ name: string; ttlSeconds: { min: number; default: number; max: number } }>;
  };
}

/** The body of `GET /decisions`. */
export interface DecisionsResponse {
  /** Highest sequence number so far (0: none yet); pass it as `since` next time. */
  latestSeq: number;
  /** How many the operator keeps: older ones are dropped. */
  capacity: number;
  policies: PolicyTargets[];
  /** Oldest first. */
  decisions: DecisionRecord[];
}
