// What the node benchmark (loadtest/node-bench.ts) compares itself with, and how it adds up the API pods'
// counters. The local-process figures are the *default* API's saturation curve in docs/benchmarks-api.json
// (one process on this machine, at 25/50/80% of its saturation, several rounds): the node runs the browse mix
// at those same offered rates, so each node row sits beside the local row of the same load.
import type { ApiCounters } from './api-metrics.ts';
import type { ApiShape } from './node-release.ts';
import type { Curve, Sample } from './saturation-curve.ts';
import { fmt, median } from './stats.ts';
import type { AttackResult } from './vegeta.ts';

/** One share of the local saturation curve, summed up over rounds. */
export interface LocalPoint {
  share: string;
  /** Median over rounds of the rate sent (vegeta's), and each round's. */
  offered: number;
  offeredPerRound: number[];
  p50: number;
  p95: number;
  p99: number;
  hitRate: number | null;
  dbQueriesPerRequest: number | null;
  errors: number;
}

const medianOf = (samples: Sample[], f: (s: Sample) => number | null): number | null => {
  const xs = samples.map(f).filter((x): x is number => x !== null && !Number.isNaN(x));
  return xs.length ? median(xs) : null;
};

/** The local points, lowest share first, from docs/benchmarks-api.json's `saturation.default`. */
export function localPoints(curves: readonly Curve[]): LocalPoint[] {
  const shares = [...new Set(curves.flatMap((c) => Object.keys(c.points)))].sort((a, b) => Number(a) - Number(b));
  return shares.map((share) => {
    const samples = curves.flatMap((c) => (c.points[share] ? [c.points[share]] : []));
    const offeredPerRound = samples.map((s) => s.result.rate);
    return {
      share,
      offered: median(offeredPerRound),
      offeredPerRound,
      p50: medianOf(samples, (s) => s.result.p50) ?? Number.NaN,
      p95: medianOf(samples, (s) => s.result.p95) ?? Number.NaN,
      p99: medianOf(samples, (s) => s.result.p99) ?? Number.NaN,
      hitRate: medianOf(samples, (s) => s.hitRate),
      dbQueriesPerRequest: medianOf(samples, (s) => s.dbQueriesPerRequest),
      errors: samples.reduce((n, s) => n + Math.round(s.result.requests * (1 - s.result.success)), 0),
    };
  });
}

/** The rates to offer the node: BENCH_NODE_RATES when set, else the local points', else a fixed ladder. */
export function nodeRates(override: string | undefined, points: readonly LocalPoint[]): number[] {
  if (override?.trim()) {
    const rates = override.split(',').map((r) => Number(r.trim()));
    if (rates.some((r) => !(r > 0)))
      throw new Error(`BENCH_NODE_RATES: positive numbers, comma-separated: ${override}`);
    return rates;
  }
  return points.length ? points.map((p) => Math.round(p.offered)) : [100, 200, 400];
}

/** The local point whose offered rate is nearest `rate` (the same one when the rates came from them). */
export function nearestPoint(points: readonly LocalPoint[], rate: number): LocalPoint | undefined {
  return points.reduce<LocalPoint | undefined>(
    (best, p) => (!best || Math.abs(p.offered - rate) < Math.abs(best.offered - rate) ? p : best),
    undefined,
  );
}

const zero: ApiCounters = { l1Lookups: 0, hits: 0, dbQueries: 0 };

/**
 * Counters of every API pod (by name) before and after a measurement, as two totals over the pods there
 * after it: a pod the HPA added during it counts from zero; a pod gone by the end is not counted at all.
 */
export function podTotals(
  before: ReadonlyMap<string, ApiCounters>,
  after: ReadonlyMap<string, ApiCounters>,
): { before: ApiCounters; after: ApiCounters } {
  const add = (a: ApiCounters, b: ApiCounters): ApiCounters => ({
    l1Lookups: a.l1Lookups + b.l1Lookups,
    hits: a.hits + b.hits,
    dbQueries: a.dbQueries + b.dbQueries,
  });
  let b = zero;
  let a = zero;
  for (const [pod, counters] of after) {
    a = add(a, counters);
    b = add(b, before.get(pod) ?? zero);
  }
  return { before: b, after: a };
}

/** One offered rate on the node. */
export interface NodeStep {
  offered: number;
  result: AttackResult;
  hitRate: number | null;
  dbQueriesPerRequest: number | null;
  /** Ready API pods before and after the step, and their CPU (millicores, metrics-server) at its end. */
  podsBefore: number;
  podsAfter: number;
  podsCpuMillicores: Record<string, number>;
  hpaAfter: ApiShape['hpa'];
  /** The local-process figures it is compared with. */
  local?: LocalPoint;
}

export const nodeTableHeader = [
  '| offered req/s | answered req/s | p50 ms | p95 ms | p99 ms | errors | hit rate | DB queries/request | API pods | API pods CPU (cores) | generator CPU (cores) | local: offered req/s | local: p50 / p95 / p99 ms | p99 ÷ local | local: errors | local: hit rate | local: DB queries/request |',
  `|${'---|'.repeat(17)}`,
].join('\n');

/** The rows under nodeTableHeader. */
export function nodeRows(steps: readonly NodeStep[]): string[] {
  const ms = (n: number) => fmt(n, 1);
  return steps.map((s) => {
    const r = s.result;
    const cpu = Object.values(s.podsCpuMillicores);
    const l = s.local;
    const local = l
      ? `${fmt(l.offered)} | ${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)} | ${fmt(r.p99 / l.p99, 1)}× | ${l.errors} | ` +
        `${fmt(l.hitRate, 3)} | ${fmt(l.dbQueriesPerRequest, 3)}`
      : '– | – | – | – | – | –';
    return (
      `| ${s.offered} | ${fmt(r.throughput)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ` +
      `${Math.round(r.requests * (1 - r.success))} | ${fmt(s.hitRate, 3)} | ${fmt(s.dbQueriesPerRequest, 3)} | ` +
      `${s.podsBefore}→${s.podsAfter} | ${cpu.length ? (cpu.reduce((a, b) => a + b, 0) / 1000).toFixed(2) : '–'} | ` +
      `${fmt(r.generatorCpu, 2)} | ${local} |`
    );
  });
}
