import type { Sample } from './prom-text.ts';

/** One cumulative histogram bucket: observations <= `le`. */
export interface Bucket {
  le: number;
  count: number;
}

/**
 * The q-quantile of a cumulative histogram, interpolated linearly inside the bucket it falls in, as
 * Prometheus' histogram_quantile does. `undefined` when the histogram is empty (no traffic is not a
 * latency). A quantile in the +Inf bucket is reported as the highest finite bound.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0 || sorted.at(-1)?.le !== Number.POSITIVE_INFINITY) return undefined;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (b.le === Number.POSITIVE_INFINITY) return lowerLe;
      const inBucket = b.count - lowerCount;
      return inBucket <= 0 ? b.le : lowerLe + ((b.le - lowerLe) * (rank - lowerCount)) / inBucket;
    }
    lowerLe = b.le;
    lowerCount = b.count;
  }
  return lowerLe;
}

/** A series' identity: its name and sorted labels. */
export const seriesKey = (s: Sample) =>
  `${s.name}{${Object.keys(s.labels)
    .sort()
    .map((k) => `${k}=${s.labels[k]}`)
    .join(',')}}`;

/**
 * The increase of every series of `name` between two scrapes of one target, as a counter would: a
 * value lower than before means the process restarted, so the whole new value is the increase.
 */
export function increases(now: readonly Sample[], then: readonly Sample[], name: string): Sample[] {
  const before = new Map(then.filter((s) => s.name === name).map((s) => [seriesKey(s), s.value]));
  return now
    .filter((s) => s.name === name)
    .map((s) => {
      const prev = before.get(seriesKey(s)) ?? 0;
      return { ...s, value: s.value >= prev ? s.value - prev : s.value };
    });
}

/** Sums bucket increases across series (routes, methods, targets) into one histogram by `le`. */
export function mergeBuckets(samples: readonly Sample[]): Bucket[] {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    if (Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe].map(([le, count]) => ({ le, count }));
}

/** Sum of sample values, optionally of those whose labels match. */
export function sum(samples: readonly Sample[], match: Record<string, string | RegExp> = {}): number {
  let total = 0;
  for (const s of samples) {
    const ok = Object.entries(match).every(([k, v]) =>
      typeof v === 'string' ? s.labels[k] === v : v.test(s.labels[k] ?? ''),
    );
    if (ok) total += s.value;
  }
  return total;
}
