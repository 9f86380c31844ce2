import { hpaReconcile, newHpa } from './hpa.ts';
import { cpuPercent, type Strategy, warm } from './strategy.ts';
import type { Trace } from './trace.ts';

/** What scales the API in a KEDA-style setup. */
export type KedaApiTrigger =
  /** No KEDA for the API: a plain HPA on CPU (KEDA's cpu scaler makes the same HPA). */
  | { trigger: 'cpu'; targetPercent: number }
  /**
   * Prometheus scaler on the request rate, `AverageValue` per pod: the threshold is `utilization` of one
   * pod's capacity (1000 / cpuMsPerRequest req/s), as an operator would set it from a benchmark.
   */
  | { trigger: 'rps'; utilization: number }
  /** Prometheus scaler on the API's p95 (ms), a `Value` target: the HPA scales by p95 / target. */
  | { trigger: 'latency'; p95Ms: number };

/** A KEDA ScaledObject pair (API and workers) as the simulator runs it. */
export interface KedaOptions {
  name: string;
  api: KedaApiTrigger;
  /**
   * The workers' queue trigger, `AverageValue` per replica. `wait-list` is KEDA's Redis list scaler on
   * BullMQ's wait list (prioritized jobs live in another key and are invisible to it); `backlog` is a
   * Prometheus query on the queue-depth metric, which counts both.
   */
  queue: {
    counts: 'wait-list' | 'backlog';
    listLength: number;
    /**
     * A second trigger on the workers' CPU (percent): the HPA KEDA makes takes the highest recommendation
     * of its triggers, so a steady stream that never queues still keeps its workers.
     */
    cpuPercent?: number;
  };
  /**
   * Seconds between two reads of the triggers (KEDA's `pollingInterval`); the HPA it owns syncs every
   * 15 s on the last value read, as docs' brief describes KEDA (15–45 s from burst to scale-up).
   * @defaultValue 30
   */
  pollingSeconds?: number;
}

/**
 * A KEDA-style strategy. KEDA's `cooldownPeriod` (300 s) only governs scaling to and from zero, and every
 * floor here is at least one replica, so scale-down is paced by the HPA's own 300 s stabilization window.
 */
export function kedaStyle(o: KedaOptions): (trace: Trace) => Strategy {
  return (trace) => {
    const pollEvery = o.pollingSeconds ?? 30;
    const perPod = 1000 / trace.model.cpuMsPerRequest;
    const apiTarget =
      o.api.trigger === 'cpu'
        ? o.api.targetPercent
        : o.api.trigger === 'rps'
          ? o.api.utilization * perPod
          : o.api.p95Ms;
    const api = newHpa(trace.bounds.api.min, trace.bounds.api.max, apiTarget);
    const worker = newHpa(trace.bounds.worker.min, trace.bounds.worker.max, o.queue.listLength);
    warm(trace, api, worker);
    let lastPoll = Number.NEGATIVE_INFINITY;
    let polled = { rps: 0, p95: 0, jobs: 0 };
    return {
      name: o.name,
      api,
      worker,
      policyChanges: 0,
      step(k) {
        if (k.t - lastPoll >= pollEvery) {
          lastPoll = k.t;
          const backlog = k.world.backlog();
          const jobs = o.queue.counts === 'wait-list' ? backlog.waiting : backlog.waiting + backlog.prioritized;
          polled = { rps: k.rps, p95: k.windowP95, jobs };
        }
        const apiReady = k.world.ready('api', k.t);
        const apiMetric =
          o.api.trigger === 'cpu'
            ? cpuPercent(k.apiUtilization)
            : o.api.trigger === 'rps'
              ? polled.rps / Math.max(1, apiReady)
              : polled.p95;
        hpaReconcile(api, k.t, apiReady, apiMetric);
        const current = Math.max(1, k.world.ready('worker', k.t));
        // Several triggers: the HPA recommends for each and keeps the highest, which is the same as
        // scaling on the largest metric-to-target ratio (the tolerance applies alike).
        const cpu = o.queue.cpuPercent;
        const perReplica = polled.jobs / current;
        const metric = cpu ? Math.max(perReplica, ((k.workerBusy * 100) / cpu) * o.queue.listLength) : perReplica;
        hpaReconcile(worker, k.t, current, metric);
      },
    };
  };
}
