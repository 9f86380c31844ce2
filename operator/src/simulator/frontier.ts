import { kedaStyle } from './keda.ts';
import { type Result, simulate } from './run.ts';
import { avelonOperator, kedaListScaler, stockHpaAt } from './strategies.ts';
import type { Strategy } from './strategy.ts';
import type { Trace } from './trace.ts';

/** One strategy as a point of the cost/violation plane. */
export interface FrontierPoint {
  name: string;
  /** Replica-hours (API + worker pods, started or ready) over the trace: the cost. */
  replicaHours: number;
  /** Minutes in which an SLO was violated. */
  violationMinutes: number;
}

/** The CPU targets the stock HPA is run at, and the KEDA request-rate thresholds (share of a pod). */
export const baselineTargets = [50, 60, 70, 80] as const;

/**
 * The baselines: the stock HPA at each target (API and workers alike); KEDA's Redis list scaler as
 * shipped (API on CPU 70%); KEDA's Prometheus scaler on the request rate at each threshold; and on the
 * API's p95 at half the SLO. The KEDA workers scale on the whole backlog (listLength 5) and on CPU 70%
 * (the highest wins), as a careful KEDA user would set them, not on the wait list alone.
 */
export function baselines(trace: Trace): Array<(t: Trace) => Strategy> {
  const queue = { counts: 'backlog', listLength: 5, cpuPercent: 70 } as const;
  return [
    ...baselineTargets.map((target) => stockHpaAt(target)),
    kedaListScaler,
    ...baselineTargets.map((u) =>
      kedaStyle({ name: `KEDA req/s at ${u}% of a pod + queue`, api: { trigger: 'rps', utilization: u / 100 }, queue }),
    ),
    kedaStyle({
      name: `KEDA p95 at ${trace.slo.p95LatencyMs / 2} ms + queue`,
      api: { trigger: 'latency', p95Ms: trace.slo.p95LatencyMs / 2 },
      queue,
    }),
  ];
}

/** Every baseline and the operator over one trace (about a second of CPU per strategy for 24 hours). */
export function compareOnTrace(trace: Trace): { baselines: Result[]; operator: Result } {
  return {
    baselines: baselines(trace).map((make) => simulate(trace, make)),
    operator: simulate(trace, avelonOperator),
  };
}

/** A result as a point, rounded as the docs print it (0.1 h, 0.1 min), so the verdict matches the table. */
export function toPoint(r: Result): FrontierPoint {
  return {
    name: r.strategy,
    replicaHours: Math.round((r.replicaMinutes / 60) * 10) / 10,
    violationMinutes: Math.round(r.sloViolationMinutes * 10) / 10,
  };
}

/** True when `a` is at least as good as `b` on both axes and better on one. */
export const dominates = (a: FrontierPoint, b: FrontierPoint): boolean =>
  a.replicaHours <= b.replicaHours &&
  a.violationMinutes <= b.violationMinutes &&
  (a.replicaHours < b.replicaHours || a.violationMinutes < b.violationMinutes);

/** The points no other point dominates, cheapest first: the frontier. */
export function paretoFrontier(points: readonly FrontierPoint[]): FrontierPoint[] {
  return points
    .filter((p) => !points.some((q) => dominates(q, p)))
    .sort((a, b) => a.replicaHours - b.replicaHours || a.violationMinutes - b.violationMinutes)
    .filter((p, i, all) => i === 0 || p.replicaHours !== all[i - 1]?.replicaHours);
}

/**
 * The frontier's violation minutes at a cost: straight lines between its points, flat beyond both ends
 * (spending less than the cheapest baseline is held to that baseline's violations: stricter than
 * dominance, which would let a cheaper and worse point pass).
 */
export function frontierAt(frontier: readonly FrontierPoint[], replicaHours: number): number {
  const first = frontier[0];
  const last = frontier.at(-1);
  if (!first || !last) throw new Error('frontier: no baseline points');
  if (replicaHours <= first.replicaHours) return first.violationMinutes;
  if (replicaHours >= last.replicaHours) return last.violationMinutes;
  const i = frontier.findIndex((p) => p.replicaHours >= replicaHours);
  const a = frontier[i - 1] as FrontierPoint;
  const b = frontier[i] as FrontierPoint;
  const f = (replicaHours - a.replicaHours) / (b.replicaHours - a.replicaHours);
  return a.violationMinutes + (b.violationMinutes - a.violationMinutes) * f;
}

/** Where a point sits against the baselines' frontier. */
export interface Verdict {
  onOrBelow: boolean;
  /** The frontier's violation minutes at the point's cost. */
  frontierMinutes: number;
  /** frontierMinutes − the point's minutes: positive below the frontier, negative above it. */
  marginMinutes: number;
  /** Baselines that are at least as cheap and violate no more (empty when none). */
  dominatedBy: string[];
}

export function verdict(point: FrontierPoint, baselinePoints: readonly FrontierPoint[]): Verdict {
  const frontierMinutes = frontierAt(paretoFrontier(baselinePoints), point.replicaHours);
  const marginMinutes = frontierMinutes - point.violationMinutes;
  return {
    onOrBelow: marginMinutes >= 0,
    frontierMinutes,
    marginMinutes,
    dominatedBy: baselinePoints.filter((b) => dominates(b, point)).map((b) => b.name),
  };
}
