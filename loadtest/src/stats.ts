// Summaries over benchmark rounds: medians and ranges, never a single noisy sample.
export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export const fmt = (n: number | null | undefined, digits = 0): string =>
  n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits);

/** "median (min–max)". */
export const span = (xs: readonly number[], digits = 2): string =>
  xs.length === 0
    ? '–'
    : `${fmt(median(xs), digits)} (${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)})`;

/** Per round: a[i] ÷ b[i], two measurements seconds apart. */
export const ratios = (a: readonly number[], b: readonly number[]): number[] => a.map((x, i) => x / (b[i] as number));
