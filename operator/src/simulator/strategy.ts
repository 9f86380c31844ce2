// What every scaling strategy of the simulator shares: what it sees each second, what it owns, and the
// warm start they all begin from (so their numbers compare).
import type { HpaModel } from './hpa.ts';
import type { Trace } from './trace.ts';
import type { World } from './world.ts';

/** What a strategy sees each second. */
export interface Tick {
  t: number;
  world: World;
  rps: number;
  jobs: number;
  apiUtilization: number;
  /** Request-weighted p95 over the last 30 s, as a scrape window would show it. */
  windowP95: number;
  workerBusy: number;
  completedLastSecond: number;
}

/** A scaling strategy: owns the two HPAs and whatever drives them. */
export interface Strategy {
  readonly name: string;
  readonly api: HpaModel;
  readonly worker: HpaModel;
  /** Policy changes (target or floor moves), for the operator; 0 for the baselines. */
  policyChanges: number;
  step(tick: Tick): void;
}

/** CPU utilization in percent of a pod's request, as metrics-server reports it (a pod cannot pass 100%). */
export const cpuPercent = (u: number) => Math.min(100, u * 100);

/** Replicas a 70% HPA settles at for the trace's first load: every strategy starts there, warm. */
export function startReplicas(trace: Trace): { api: number; worker: number } {
  const [, rps = 0, jobs = 0] = trace.points[0] ?? [];
  const api = Math.ceil((rps * trace.model.cpuMsPerRequest) / 1000 / 0.7);
  const worker = Math.ceil(jobs / trace.model.jobsPerSecondPerReplica / 0.7);
  const within = (v: number, b: { min: number; max: number }) => Math.min(b.max, Math.max(b.min, v));
  return { api: within(api, trace.bounds.api), worker: within(worker, trace.bounds.worker) };
}

/** Starts both HPAs at the replicas of {@link startReplicas}. */
export function warm(trace: Trace, api: HpaModel, worker: HpaModel): void {
  const start = startReplicas(trace);
  api.desired = start.api;
  worker.desired = start.worker;
}
