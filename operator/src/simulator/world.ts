import type { Trace } from './trace.ts';

/**
 * The simulated system: API pods whose p95 grows with CPU utilization (an M/M/1 response time:
 * p95 ~ base + 3 * service / (1 - utilization)), worker pods draining a BullMQ-like queue (prioritized
 * jobs first, as BullMQ does), and pods that take a while to become ready. Every strategy runs against
 * the same world, so the numbers compare.
 */
export class World {
  readonly #trace: Trace;
  /** readyAt per pod (seconds). */
  apiPods: number[] = [];
  workerPods: number[] = [];
  /** FIFO cohorts of waiting jobs. */
  waiting: Array<{ at: number; n: number }> = [];
  prioritized: Array<{ at: number; n: number }> = [];
  completedTotal = 0;
  arrivedTotal = 0;

  constructor(trace: Trace, api: number, workers: number) {
    this.#trace = trace;
    this.apiPods = Array(api).fill(0);
    this.workerPods = Array(workers).fill(0);
  }

  /** Starts or stops pods so that `desired` exist; new ones are ready after the start delay. */
  scale(kind: 'api' | 'worker', desired: number, t: number): void {
    const pods = kind === 'api' ? this.apiPods : this.workerPods;
    const start = kind === 'api' ? this.#trace.model.apiPodStartSeconds : this.#trace.model.workerPodStartSeconds;
    // The start delay is fixed per kind and t only grows, so appending keeps the list sorted by readyAt;
    // scale-down removes the youngest pods first (not-ready ones go before serving ones).
    while (pods.length < desired) pods.push(t + start);
    while (pods.length > desired) pods.pop();
  }

  /** Pods ready at `t`: a binary search of the sorted readyAt list (24-hour traces run hundreds of pods). */
  ready(kind: 'api' | 'worker', t: number): number {
    const pods = kind === 'api' ? this.apiPods : this.workerPods;
    let lo = 0;
    let hi = pods.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((pods[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** API utilization (0..) and p95 latency (ms) at a request rate, with the pods ready at `t`. */
  api(rps: number, t: number): { utilization: number; p95: number } {
    const { cpuMsPerRequest: s, baseLatencyMs: base } = this.#trace.model;
    const ready = this.ready('api', t);
    const utilization = ready === 0 ? Number.POSITIVE_INFINITY : (rps * s) / (ready * 1000);
    const rho = Math.min(utilization, 0.95);
    // Past 95% the queue grows without bound: latency climbs steeply with the overload.
    const overload = utilization > 0.95 ? (utilization / 0.95) ** 8 : 1;
    return { utilization, p95: Math.min(60_000, base + ((3 * s) / (1 - rho)) * overload) };
  }

  /** One second of the queue: jobs arrive, ready workers drain prioritized first. */
  queueStep(jobs: number, t: number): { completed: number; busy: number } {
    const prio = jobs * this.#trace.model.prioritizedShare;
    if (prio > 0) this.prioritized.push({ at: t, n: prio });
    if (jobs - prio > 0) this.waiting.push({ at: t, n: jobs - prio });
    this.arrivedTotal += jobs;
    const capacity = this.ready('worker', t) * this.#trace.model.jobsPerSecondPerReplica;
    let left = capacity;
    for (const list of [this.prioritized, this.waiting]) {
      while (left > 0 && list.length) {
        const c = list[0] as { at: number; n: number };
        const take = Math.min(c.n, left);
        c.n -= take;
        left -= take;
        if (c.n <= 1e-9) list.shift();
      }
    }
    const completed = capacity - left;
    this.completedTotal += completed;
    return { completed, busy: capacity === 0 ? 1 : completed / capacity };
  }

  backlog(): { waiting: number; prioritized: number } {
    const sum = (l: Array<{ n: number }>) => l.reduce((a, c) => a + c.n, 0);
    return { waiting: sum(this.waiting), prioritized: sum(this.prioritized) };
  }

  oldestWait(t: number): number {
    const first = Math.min(this.waiting[0]?.at ?? t, this.prioritized[0]?.at ?? t);
    return t - first;
  }
}
