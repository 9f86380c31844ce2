// Latency percentiles of the scenarios that time requests themselves (shop, spike phases): nearest-rank
// on the sorted samples, the definition HDR histograms and vegeta report (no interpolation, so a p99 is
// always a latency that was really observed).

/** The p-th percentile (0 < p ≤ 100) of `samples` by nearest rank; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new Error(`percentile: p must be in (0, 100], got ${p}`);
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1] as number;
}

/** p50/p95/p99/max of a set of latencies, in their unit, with the count. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? (sorted[Math.ceil((p / 100) * sorted.length) - 1] as number) : Number.NaN);
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) ?? Number.NaN };
}
