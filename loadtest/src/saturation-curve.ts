// The saturation curve of one target in one round: its saturation throughput on the browse mix, open
// model (loadtest/src/saturation.ts), then the latency at fixed shares of it. The API benchmark runs it
// for the ceiling, the default install and the seed's "before" in every round, and this file also turns
// the rounds into the "Saturation" table (medians and ranges over rounds, ratios taken within a round).

import { type BreakCriteria, breakDefaults, findSaturation, type Saturation } from './saturation.ts';
import { fmt, median, ratios, span } from './stats.ts';
import type { AttackResult } from './vegeta.ts';

/** One measurement with what the API's /metrics said about it (null where the target has none). */
export interface Sample {
  result: AttackResult;
  hitRate: number | null;
  dbQueriesPerRequest: number | null;
}

/** Shares of the saturation rate the curve is measured at. */
const curveShares = [0.25, 0.5, 0.8] as const;

export interface Curve {
  /** p99 (ms) of a light load (a tenth of the start rate), and the p99 bound of the search derived from it. */
  referenceP99: number;
  p99Bound: number;
  saturation: Omit<Saturation, 'steps'> & {
    steps: Array<{ rate: number; throughput: number; p99: number; broken?: string }>;
  };
  /** The last step that held, as measured. */
  atSaturation?: Sample;
  /** share → the measurement at that share of the saturation rate. */
  points: Record<string, Sample>;
}

export interface CurveOptions {
  /** A rate the search starts from (e.g. a share of a closed-loop figure). */
  start: number;
  stepSeconds: number;
  pointSeconds: number;
  /** The absolute p99 bound; the search uses max(it, p99Factor × the light-load p99). */
  criteria?: BreakCriteria;
  p99Factor?: number;
  /** One open-model measurement at `rate` for `seconds`. */
  measure: (rate: number, seconds: number) => Promise<Sample>;
}

/**
 * Light load first: a target whose slowest pages (cache misses, a primary-only list) are slow even when idle
 * must not count as saturated at every rate, so its p99 bound is a multiple of its own idle tail.
 */
export async function saturationCurve(o: CurveOptions): Promise<Curve> {
  const criteria = o.criteria ?? breakDefaults;
  const reference = await o.measure(Math.max(5, Math.round(o.start / 10)), o.stepSeconds);
  const p99Bound = Math.max(criteria.p99Ms, (o.p99Factor ?? 5) * reference.result.p99);
  const byRate = new Map<number, Sample>();
  const sat = await findSaturation(
    async (rate) => {
      const s = await o.measure(rate, o.stepSeconds);
      byRate.set(rate, s);
      return { rate, throughput: s.result.throughput, success: s.result.success, p99: s.result.p99 };
    },
    { start: o.start, criteria: { ...criteria, p99Ms: p99Bound }, maxSteps: 7 },
  );
  const points: Record<string, Sample> = {};
  for (const share of curveShares)
    if (sat.rate > 0) points[share] = await o.measure(Math.max(1, Math.round(sat.rate * share)), o.pointSeconds);
  return {
    referenceP99: reference.result.p99,
    p99Bound,
    saturation: {
      rate: sat.rate,
      throughput: sat.throughput,
      steps: sat.steps.map(({ rate, throughput, p99, broken }) => ({
        rate,
        throughput,
        p99,
        ...(broken ? { broken } : {}),
      })),
    },
    atSaturation: byRate.get(sat.rate),
    points,
  };
}

/** Per-round ratios of saturation rates, a ÷ b. */
export const saturationRatios = (a: readonly Curve[], b: readonly Curve[]): number[] =>
  ratios(
    a.map((c) => c.saturation.rate),
    b.map((c) => c.saturation.rate),
  );

/** The table rows of the "Saturation" part of the API section: target × (saturation, 25%, 50%, 80%). */
export function curveRows(curves: Record<string, readonly Curve[]>): string[] {
  const rows: string[] = [];
  for (const [target, list] of Object.entries(curves)) {
    const row = (label: string, samples: Sample[], offered: number[]) => {
      const pick = (f: (s: Sample) => number | null) =>
        samples.map(f).filter((x): x is number => x !== null && !Number.isNaN(x));
      const errors = samples.reduce((n, s) => n + Math.round(s.result.requests * (1 - s.result.success)), 0);
      rows.push(
        `| ${target} | ${label} | ${span(offered, 0)} | ${fmt(median(pick((s) => s.result.p50)), 1)} | ` +
          `${fmt(median(pick((s) => s.result.p95)), 1)} | ${span(
            pick((s) => s.result.p99),
            1,
          )} | ${errors} | ` +
          `${fmt(median(pick((s) => s.hitRate)), 3)} | ${fmt(median(pick((s) => s.dbQueriesPerRequest)), 3)} | ` +
          `${span(pick((s) => s.result.generatorCpu))} |`,
      );
    };
    row(
      'saturation (last step that held)',
      list.flatMap((c) => (c.atSaturation ? [c.atSaturation] : [])),
      list.map((c) => c.saturation.rate),
    );
    for (const share of curveShares) {
      const samples = list.flatMap((c) => (c.points[share] ? [c.points[share]] : []));
      row(
        `${share * 100}% of it`,
        samples,
        samples.map((s) => s.result.rate),
      );
    }
  }
  return rows;
}
