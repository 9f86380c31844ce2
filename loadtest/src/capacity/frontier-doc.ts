// The autoscaling half of docs/capacity.md: the 2M-user day with a flash sale replayed through every
// baseline and the operator (operator/src/simulator), the frontier verdict computed from the results, and
// the chart's points.
import {
  type FrontierPoint,
  paretoFrontier,
  toPoint,
  type Verdict,
  verdict,
} from '../../../operator/src/simulator/frontier.ts';
import type { Result } from '../../../operator/src/simulator/run.ts';
import type { Trace } from '../../../operator/src/simulator/trace.ts';
import { int, num } from './format.ts';
import type { ChartPoint } from './svg.ts';

/** The simulator's output for the frontier. */
export interface FrontierRun {
  trace: Trace;
  baselines: Result[];
  operator: Result;
}

const kindOf = (name: string): ChartPoint['kind'] =>
  name.startsWith('KEDA') ? 'keda' : name.startsWith('stock HPA') ? 'hpa' : 'operator';

/** Every strategy as a chart point (baselines first), the baselines' frontier and the operator's verdict. */
export function frontierFigures(run: FrontierRun): {
  points: ChartPoint[];
  frontier: FrontierPoint[];
  verdict: Verdict;
} {
  const base = run.baselines.map(toPoint);
  const op = toPoint(run.operator);
  return {
    points: [...base, op].map((p) => ({ ...p, kind: kindOf(p.name) })),
    frontier: paretoFrontier(base),
    verdict: verdict(op, base),
  };
}

const f1 = (v: number) => v.toFixed(1);

export function frontierSection(run: FrontierRun, chartFile: string): string {
  const { trace } = run;
  const { points, frontier, verdict: v } = frontierFigures(run);
  const op = points.at(-1) as ChartPoint;
  const onFrontier = new Set(frontier.map((p) => p.name));
  const all = [...run.baselines, run.operator];
  const m = trace.model;
  const table = all.map((r) => {
    const p = toPoint(r);
    return `| ${r.strategy} | ${f1(p.violationMinutes)} | ${f1(r.apiViolationMinutes)} | ${f1(r.queueViolationMinutes)} | ${f1(r.worstWaitSeconds)} | ${f1(p.replicaHours)} (${f1(r.apiReplicaMinutes / 60)} + ${f1(r.workerReplicaMinutes / 60)}) | ${r.scalingEvents} | ${onFrontier.has(r.strategy) ? 'yes' : ''} |`;
  });
  // What it takes a baseline to violate no more than the operator: the cheapest that does, if any.
  const asGood = points
    .filter((p) => p.kind !== 'operator' && p.violationMinutes <= op.violationMinutes)
    .sort((a, b) => a.replicaHours - b.replicaHours)[0];
  const hpa70 = points.find((p) => p.name === 'stock HPA (CPU 70%)');
  const hpa70Run = run.baselines.find((r) => r.strategy === hpa70?.name);
  const split = (r: Result) => [r.apiReplicaMinutes / 60, r.workerReplicaMinutes / 60] as const;
  const [opApi, opWorkers] = split(run.operator);
  const [hpaApi, hpaWorkers] = hpa70Run ? split(hpa70Run) : [0, 0];
  const pct = (a: number, b: number) => `${a >= b ? '+' : '−'}${num((Math.abs(a - b) / b) * 100, 1)}%`;
  const verdictLine = v.onOrBelow
    ? `**The operator sits ${v.marginMinutes > 0 ? 'below' : 'on'} the baselines' frontier**: at its ${f1(op.replicaHours)} replica-hours the frontier ` +
      `allows ${num(v.frontierMinutes, 2)} violation minutes, it has ${f1(op.violationMinutes)} (margin ${num(v.marginMinutes, 2)} min).`
    : `**The operator sits above the baselines' frontier** by ${num(-v.marginMinutes, 2)} violation minutes: at its ${f1(op.replicaHours)} ` +
      `replica-hours the frontier allows ${num(v.frontierMinutes, 2)}, it has ${f1(op.violationMinutes)}` +
      (v.dominatedBy.length ? `; dominated by ${v.dominatedBy.join(', ')}.` : '.');
  return [
    '## Autoscaling: a 24-hour day of 2M users with a flash sale',
    '',
    `${trace.description}`,
    '',
    `The world model (\`operator/src/simulator/world.ts\`) takes its figures from the inputs above: ${num(m.cpuMsPerRequest, 3)} ms of`,
    `CPU per request (1000 ÷ P), ${m.baseLatencyMs} ms of fixed latency (L₀), p95 = L₀ + 3 × service ÷ (1 − utilization);`,
    `${num(m.jobsPerSecondPerReplica)} jobs/s per email worker (Wₑ), ${num(m.prioritizedShare * 100)}% of jobs prioritized (p); pods ready`,
    `${m.apiPodStartSeconds} s (API) and ${m.workerPodStartSeconds} s (workers) after the decision; bounds ${trace.bounds.api.min}–${int(trace.bounds.api.max)} API`,
    `and ${trace.bounds.worker.min}–${int(trace.bounds.worker.max)} worker pods (twice the sale's need, so no strategy hits a ceiling); every`,
    `strategy starts warm at the 70% equilibrium. SLO: p95 ≤ ${trace.slo.p95LatencyMs} ms, jobs wait ≤ ${trace.slo.maxWaitSeconds} s; a minute counts`,
    'as violated when either is (the second-by-second union). Only the emails queue is simulated.',
    '',
    'Strategies: the stock HPA (tolerance 0.1, 15 s sync, 300 s scale-down stabilization, up by max(+4, +100%) per sync) at',
    'CPU targets 50–80% for the API and the workers; KEDA as shipped (API on CPU 70%, workers on its Redis list scaler:',
    'wait list only, listLength 5, 30 s polling); KEDA with Prometheus triggers on the request rate (the threshold a share of',
    "P) or on the API's p95 (a `Value` target at half the SLO), with workers on the whole backlog (listLength 5) and CPU 70%,",
    "the highest trigger winning. KEDA's `cooldownPeriod` (300 s) only applies to scaling to zero, which no floor here",
    "allows: scale-down is paced by the HPA's 300 s window. The operator runs the same `decide()` as in a cluster, every",
    "2 s, moving the HPAs' CPU target (40–80%) and floors.",
    '',
    '| strategy | SLO-violation min | API min | queue min | worst job wait (s) | replica-hours (API + workers) | scaling events | on the frontier |',
    '|---|---|---|---|---|---|---|---|',
    ...table,
    '',
    `![SLO-violation minutes against replica-hours](${chartFile})`,
    '',
    `The frontier is the baselines no other baseline beats on both axes (${frontier.map((p) => p.name).join('; ')}), joined by`,
    'straight lines and flat beyond its ends; a strategy is on or below it when its violation minutes are at most the',
    "frontier's at the same replica-hours (both rounded to 0.1 as in the table).",
    '',
    verdictLine,
    asGood
      ? `The cheapest baseline that violates no more is ${asGood.name}, at ${f1(asGood.replicaHours)} replica-hours (${pct(asGood.replicaHours, op.replicaHours)} against the operator).`
      : 'No baseline violates as little at any cost.',
    hpa70
      ? `Against the chart's default (stock HPA at 70%): ${pct(op.replicaHours, hpa70.replicaHours)} replica-hours (API ${f1(opApi)} h against ${f1(hpaApi)}, ` +
        `workers ${f1(opWorkers)} against ${f1(hpaWorkers)}), ${f1(op.violationMinutes)} instead of ${f1(hpa70.violationMinutes)} violation minutes.`
      : '',
    '',
    "The model is a model: it ranks strategies on one world, it does not predict a cluster's p95 (docs/operator.md).",
    '',
  ].join('\n');
}
