// Zipf popularity: rank k (1-based) of n is drawn with probability ∝ 1 / k^s. Web catalogue and page-depth
// popularity is close to s ≈ 1 (a few items get most views, a long tail gets the rest), which is what
// makes a cache's hit rate depend on its size and TTLs rather than being 1 on a handful of hot keys.

export interface Zipf {
  /** A 0-based rank: 0 is the most popular. */
  next(): number;
  /** Probability of the 0-based rank. */
  probability(rank: number): number;
}

/** Inverse-CDF sampling over a precomputed cumulative table: O(n) memory once, O(log n) per draw. */
export function zipf(n: number, s: number, random: () => number): Zipf {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`zipf: n must be a positive integer, got ${n}`);
  if (!(s >= 0)) throw new RangeError(`zipf: s must be >= 0, got ${s}`);
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / (k + 1) ** s;
    cdf[k] = sum;
  }
  for (let k = 0; k < n; k++) (cdf as Float64Array)[k] = (cdf[k] as number) / sum;
  return {
    next() {
      const u = random();
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cdf[mid] as number) > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
    probability(rank) {
      if (rank < 0 || rank >= n) return 0;
      return (cdf[rank] as number) - (rank === 0 ? 0 : (cdf[rank - 1] as number));
    },
  };
}
