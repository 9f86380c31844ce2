import { parsePolicySpec } from '../crd/index.ts';
import { decide, emptyMemory, type Memory, type Observations } from '../decide/index.ts';
import { hpaReconcile, newHpa } from './hpa.ts';
import { kedaStyle } from './keda.ts';
import { cpuPercent, type Strategy, warm } from './strategy.ts';
import type { Trace } from './trace.ts';

export type { Strategy, Tick } from './strategy.ts';

/** Baseline 1: stock HPAs on CPU at `target` percent for both the API and the workers. */
export function stockHpaAt(target: number): (trace: Trace) => Strategy {
  return (trace) => {
    const api = newHpa(trace.bounds.api.min, trace.bounds.api.max, target);
    const worker = newHpa(trace.bounds.worker.min, trace.bounds.worker.max, target);
    warm(trace, api, worker);
    return {
      name: `stock HPA (CPU ${target}%)`,
      api,
      worker,
      policyChanges: 0,
      step(k) {
        hpaReconcile(api, k.t, k.world.ready('api', k.t), cpuPercent(k.apiUtilization));
        hpaReconcile(worker, k.t, k.world.ready('worker', k.t), k.workerBusy * 100);
      },
    };
  };
}

/** The stock HPA at 70%, the chart's default target. */
export const stockHpa = stockHpaAt(70);

/**
 * Baseline 2: the API on a stock HPA at 70%; workers through KEDA's Redis list scaler: it polls the wait
 * list every 30 s (prioritized jobs are in another key, invisible to it) with listLength 5, and the HPA
 * it owns syncs every 15 s on the last polled value.
 */
export const kedaListScaler = kedaStyle({
  name: 'KEDA list scaler (30 s poll)',
  api: { trigger: 'cpu', targetPercent: 70 },
  queue: { counts: 'wait-list', listLength: 5 },
});

/** The operator: the same decide() as in a cluster, every 2 s, moving the HPAs' target and floor. */
export function avelonOperator(trace: Trace): Strategy {
  const spec = parsePolicySpec({
    api: {
      hpa: 'api',
      p95LatencyMs: trace.slo.p95LatencyMs,
      cpuTarget: { min: 40, max: 80 },
      minReplicas: trace.bounds.api,
    },
    workers: [
      { queue: 'jobs', hpa: 'worker', maxWaitSeconds: trace.slo.maxWaitSeconds, replicas: trace.bounds.worker },
    ],
  });
  const api = newHpa(trace.bounds.api.min, trace.bounds.api.max, 70);
  const worker = newHpa(trace.bounds.worker.min, trace.bounds.worker.max, 70);
  warm(trace, api, worker);
  let memory: Memory = emptyMemory();
  let last: { t: number; completed: number; arrived: number } | undefined;
  const s: Strategy = {
    name: 'Avelon operator',
    api,
    worker,
    policyChanges: 0,
    step(k) {
      if (k.t % spec.evaluationIntervalSeconds === 0) {
        const backlog = k.world.backlog();
        const dt = last ? k.t - last.t : 0;
        const obs: Observations = {
          at: k.t * 1000,
          p95LatencyMs: k.windowP95,
          queues: {
            jobs: {
              backlog: backlog.waiting + backlog.prioritized,
              oldestWaitSeconds: k.world.oldestWait(k.t),
              completedPerSecond: last && dt ? (k.world.completedTotal - last.completed) / dt : undefined,
              arrivalPerSecond: last && dt ? (k.world.arrivedTotal - last.arrived) / dt : undefined,
              workers: k.world.ready('worker', k.t),
            },
          },
          cacheHitRates: {},
          hpas: {
            api: {
              cpuTarget: api.target,
              minReplicas: api.minReplicas,
              maxReplicas: api.maxReplicas,
              currentReplicas: k.world.ready('api', k.t),
              cpuUtilization: cpuPercent(k.apiUtilization),
            },
            worker: {
              minReplicas: worker.minReplicas,
              maxReplicas: worker.maxReplicas,
              currentReplicas: k.world.ready('worker', k.t),
            },
          },
          missing: [],
        };
        last = { t: k.t, completed: k.world.completedTotal, arrived: k.world.arrivedTotal };
        const d = decide(spec, obs, memory, k.t * 1000);
        memory = d.memory;
        for (const a of d.actions) {
          s.policyChanges++;
          const h = a.kind !== 'cacheTtl' && a.hpa === 'api' ? api : worker;
          if (a.kind === 'cpuTarget') h.target = a.to;
          if (a.kind === 'minReplicas') {
            h.minReplicas = a.to;
            // A spec change wakes the HPA controller at once (its informer), and the new floor binds.
            h.desired = Math.max(h.desired, a.to);
          }
        }
      }
      hpaReconcile(api, k.t, k.world.ready('api', k.t), cpuPercent(k.apiUtilization));
      hpaReconcile(worker, k.t, k.world.ready('worker', k.t), k.workerBusy * 100);
    },
  };
  return s;
}
