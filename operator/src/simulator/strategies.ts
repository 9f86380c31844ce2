import { parsePolicySpec } from '../crd/index.ts';
import { decide, emptyMemory, type Memory, type Observations } from '../decide/index.ts';
import { type HpaModel, hpaReconcile, newHpa } from './hpa.ts';
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

const cpuPercent = (u: number) => Math.min(100, u * 100);

/** Replicas a 70% HPA settles at for the trace's first load: every strategy starts there, warm. */
export function startReplicas(trace: Trace): { api: number; worker: number } {
  const [, rps = 0, jobs = 0] = trace.points[0] ?? [];
  const api = Math.ceil((rps * trace.model.cpuMsPerRequest) / 1000 / 0.7);
  const worker = Math.ceil(jobs / trace.model.jobsPerSecondPerReplica / 0.7);
  const within = (v: number, b: { min: number; max: number }) => Math.min(b.max, Math.max(b.min, v));
  return { api: within(api, trace.bounds.api), worker: within(worker, trace.bounds.worker) };
}

function warm(trace: Trace, api: HpaModel, worker: HpaModel): void {
  const start = startReplicas(trace);
  api.desired = start.api;
  worker.desired = start.worker;
}

/** Baseline 1: stock HPAs on CPU at 70% for both the API and the workers. */
export function stockHpa(trace: Trace): Strategy {
  const api = newHpa(trace.bounds.api.min, trace.bounds.api.max, 70);
  const worker = newHpa(trace.bounds.worker.min, trace.bounds.worker.max, 70);
  warm(trace, api, worker);
  return {
    name: 'stock HPA (CPU 70%)',
    api,
    worker,
    policyChanges: 0,
    step(k) {
      hpaReconcile(api, k.t, k.world.ready('api', k.t), cpuPercent(k.apiUtilization));
      hpaReconcile(worker, k.t, k.world.ready('worker', k.t), k.workerBusy * 100);
    },
  };
}

/**
 * Baseline 2: the API on a stock HPA; workers through KEDA's Redis list scaler: it polls the wait list
 * every 30 s (prioritized jobs are in another key, invisible to it) with listLength 5, and the HPA it
 * owns syncs every 15 s on the last polled value.
 */
export function kedaListScaler(trace: Trace): Strategy {
  const api = newHpa(trace.bounds.api.min, trace.bounds.api.max, 70);
  const worker = newHpa(trace.bounds.worker.min, trace.bounds.worker.max, 5);
  warm(trace, api, worker);
  let polled = 0;
  let lastPoll = Number.NEGATIVE_INFINITY;
  return {
    name: 'KEDA list scaler (30 s poll)',
    api,
    worker,
    policyChanges: 0,
    step(k) {
      hpaReconcile(api, k.t, k.world.ready('api', k.t), cpuPercent(k.apiUtilization));
      if (k.t - lastPoll >= 30) {
        lastPoll = k.t;
        polled = k.world.backlog().waiting;
      }
      const current = Math.max(1, k.world.ready('worker', k.t));
      hpaReconcile(worker, k.t, current, polled / current);
    },
  };
}

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
