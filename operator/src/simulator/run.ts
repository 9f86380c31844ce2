// The simulator: replays a traffic trace through the operator's decide() and two baselines, in the
// same world model, and prints SLO-violation minutes, replica-minutes and changes per strategy.
// Usage: npm run simulate -w operator -- traces/flash-sale.json   (or node operator/src/simulator/run.ts <trace>)
import { resolve } from 'node:path';
import { avelonOperator, kedaListScaler, stockHpa } from './strategies.ts';
import type { Strategy } from './strategy.ts';
import { loadAt, loadTrace, type Trace } from './trace.ts';
import { World } from './world.ts';

/** What one strategy did over a trace. */
export interface Result {
  strategy: string;
  apiViolationMinutes: number;
  queueViolationMinutes: number;
  /** Minutes in which either SLO was violated (API p95 or job wait): the y of the capacity frontier. */
  sloViolationMinutes: number;
  worstWaitSeconds: number;
  replicaMinutes: number;
  /** The API's and the workers' parts of replicaMinutes. */
  apiReplicaMinutes: number;
  workerReplicaMinutes: number;
  scalingEvents: number;
  policyChanges: number;
}

/** Runs one strategy over a trace, one simulated second at a time. */
export function simulate(trace: Trace, make: (t: Trace) => Strategy): Result {
  const s = make(trace);
  const world = new World(trace, s.api.desired, s.worker.desired);
  const window: Array<{ rps: number; p95: number }> = [];
  let lastCompleted = 0;
  const r: Result = {
    strategy: s.name,
    apiViolationMinutes: 0,
    queueViolationMinutes: 0,
    sloViolationMinutes: 0,
    worstWaitSeconds: 0,
    replicaMinutes: 0,
    apiReplicaMinutes: 0,
    workerReplicaMinutes: 0,
    scalingEvents: 0,
    policyChanges: 0,
  };
  let prev = { api: s.api.desired, worker: s.worker.desired };
  for (let t = 0; t < trace.durationSeconds; t++) {
    const { rps, jobs } = loadAt(trace, t);
    const api = world.api(rps, t);
    const q = world.queueStep(jobs, t);
    window.push({ rps, p95: api.p95 });
    if (window.length > 30) window.shift();
    const weight = window.reduce((a, w) => a + w.rps, 0);
    const windowP95 = weight > 0 ? window.reduce((a, w) => a + w.rps * w.p95, 0) / weight : api.p95;
    s.step({
      t,
      world,
      rps,
      jobs,
      apiUtilization: api.utilization,
      windowP95,
      workerBusy: q.busy,
      completedLastSecond: q.completed - lastCompleted,
    });
    lastCompleted = q.completed;
    world.scale('api', s.api.desired, t);
    world.scale('worker', s.worker.desired, t);
    if (s.api.desired !== prev.api) r.scalingEvents++;
    if (s.worker.desired !== prev.worker) r.scalingEvents++;
    prev = { api: s.api.desired, worker: s.worker.desired };
    const wait = world.oldestWait(t);
    const apiViolated = api.p95 > trace.slo.p95LatencyMs;
    const queueViolated = wait > trace.slo.maxWaitSeconds;
    if (apiViolated) r.apiViolationMinutes += 1 / 60;
    if (queueViolated) r.queueViolationMinutes += 1 / 60;
    if (apiViolated || queueViolated) r.sloViolationMinutes += 1 / 60;
    r.worstWaitSeconds = Math.max(r.worstWaitSeconds, wait);
    r.replicaMinutes += (world.apiPods.length + world.workerPods.length) / 60;
    r.apiReplicaMinutes += world.apiPods.length / 60;
    r.workerReplicaMinutes += world.workerPods.length / 60;
  }
  r.policyChanges = s.policyChanges;
  return r;
}

/** The markdown table of a trace's three runs. */
export function report(trace: Trace): string {
  const rows = [stockHpa, kedaListScaler, avelonOperator].map((m) => simulate(trace, m));
  const f = (v: number) => v.toFixed(1);
  return [
    `### ${trace.name}`,
    '',
    trace.description,
    '',
    `SLO: p95 <= ${trace.slo.p95LatencyMs} ms, jobs wait <= ${trace.slo.maxWaitSeconds} s. ${(trace.durationSeconds / 3600).toFixed(1)} h simulated.`,
    '',
    '| strategy | API SLO-violation min | queue SLO-violation min | worst job wait (s) | replica-minutes | scaling events | policy changes |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (x) =>
        `| ${x.strategy} | ${f(x.apiViolationMinutes)} | ${f(x.queueViolationMinutes)} | ${f(x.worstWaitSeconds)} | ${Math.round(x.replicaMinutes)} | ${x.scalingEvents} | ${x.policyChanges || '—'} |`,
    ),
    '',
  ].join('\n');
}

if (import.meta.main) {
  const paths = process.argv.slice(2);
  if (paths.length === 0) {
    console.error('usage: npm run simulate -w operator -- <trace.json> [...]');
    process.exit(2);
  }
  // npm -w runs in operator/, a direct run from the root: resolve against the caller's directory.
  for (const p of paths) console.log(report(loadTrace(resolve(p))));
}
