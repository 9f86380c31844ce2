import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * A traffic trace for the simulator: load over time (points, linearly interpolated) and the service
 * model that turns load into CPU, latency and job throughput. Numbers, not code, so traces can be
 * recorded from production and replayed.
 */
export const traceSchema = z.object({
  name: z.string(),
  description: z.string(),
  /** Seconds simulated; the last point holds until then. */
  durationSeconds: z.number().int().positive(),
  model: z.object({
    /** CPU time of one request on one pod (1000 ms of CPU per pod-second). */
    cpuMsPerRequest: z.number().positive(),
    /** Latency no scaling removes (database round trip, network), ms. */
    baseLatencyMs: z.number().nonnegative(),
    /** Jobs one worker replica completes per second at full load. */
    jobsPerSecondPerReplica: z.number().positive(),
    /** Share of jobs enqueued with a priority (BullMQ keeps them out of the wait list). */
    prioritizedShare: z.number().min(0).max(1),
    /** Seconds from a scale-up decision to a ready pod. */
    apiPodStartSeconds: z.number().nonnegative(),
    workerPodStartSeconds: z.number().nonnegative(),
  }),
  slo: z.object({ p95LatencyMs: z.number().positive(), maxWaitSeconds: z.number().positive() }),
  bounds: z.object({
    api: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }),
    worker: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }),
  }),
  /** [seconds, requests/s, jobs/s] */
  points: z.array(z.tuple([z.number().nonnegative(), z.number().nonnegative(), z.number().nonnegative()])).min(1),
});

export type Trace = z.infer<typeof traceSchema>;

export function loadTrace(path: string): Trace {
  return traceSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** Requests/s and jobs/s at second `t`, interpolated between the trace's points. */
export function loadAt(trace: Trace, t: number): { rps: number; jobs: number } {
  const pts = trace.points;
  const i = pts.findIndex(([s]) => s > t);
  if (i === 0) return { rps: pts[0]?.[1] ?? 0, jobs: pts[0]?.[2] ?? 0 };
  const a = pts[(i < 0 ? pts.length : i) - 1] as [number, number, number];
  const b = i < 0 ? a : (pts[i] as [number, number, number]);
  const f = b[0] === a[0] ? 0 : (t - a[0]) / (b[0] - a[0]);
  return { rps: a[1] + (b[1] - a[1]) * f, jobs: a[2] + (b[2] - a[2]) * f };
}
