import { histogramQuantile, mergeBuckets, type Sample } from '@avelon/core';

/** Which service a series comes from: its source being unreachable blanks the series (never zero). */
export type Role = 'api' | 'worker' | 'operator';
export const roles: readonly Role[] = ['api', 'worker', 'operator'];

/** One value of a series family, with the labels its legend is made of. */
export interface Point {
  labels: Record<string, string>;
  value: number;
}

/**
 * What one scrape tick saw of a role, for the panels' scrape-mode formulas: the increase of every
 * counter since the previous tick (summed over the role's targets later, by `group`), the latest
 * gauges, and how many targets answered. Increases are empty on the first tick (no rate yet).
 */
export interface ScrapeView {
  /** Seconds since the previous tick; 0 on the first. */
  dt: number;
  inc: (name: string) => Sample[];
  latest: (name: string) => Sample[];
  targetsUp: number;
}

/** Label matchers: a value, a pattern (anchored by the caller), or a predicate (for `!~`). */
export type Match = Record<string, string | RegExp | ((value: string) => boolean)>;
const matches = (s: Sample, m: Match) =>
  Object.entries(m).every(([k, v]) => {
    const value = s.labels[k] ?? '';
    if (typeof v === 'string') return value === v;
    return typeof v === 'function' ? v(value) : v.test(value);
  });

const keyOf = (labels: Record<string, string>) => JSON.stringify(labels);

/** Sums (or takes the max of) samples by the labels `by`, like PromQL's `sum by (...)`. */
export function group(samples: readonly Sample[], by: readonly string[], op: 'sum' | 'max' = 'sum'): Point[] {
  const out = new Map<string, Point>();
  for (const s of samples) {
    const labels = Object.fromEntries(by.map((k) => [k, s.labels[k] ?? '']));
    const key = keyOf(labels);
    const p = out.get(key);
    if (!p) out.set(key, { labels, value: s.value });
    else p.value = op === 'sum' ? p.value + s.value : Math.max(p.value, s.value);
  }
  return [...out.values()];
}

/** Per-second rate of a counter over the tick, by labels. */
export function rate(v: ScrapeView, name: string, by: readonly string[], m: Match = {}): Point[] {
  if (v.dt <= 0) return [];
  return group(
    v.inc(name).filter((s) => matches(s, m)),
    by,
  ).map((p) => ({ ...p, value: p.value / v.dt }));
}

/** `num / den` joined on labels; no value where the denominator is zero (nothing happened: not 0 %). */
export function ratio(num: readonly Point[], den: readonly Point[], oneMinus = false): Point[] {
  const n = new Map(num.map((p) => [keyOf(p.labels), p.value]));
  return den
    .filter((d) => d.value > 0)
    .map((d) => {
      const r = (n.get(keyOf(d.labels)) ?? 0) / d.value;
      return { labels: d.labels, value: oneMinus ? 1 - r : r };
    });
}

/** The q-quantile of a histogram's increases over the tick, by labels (PromQL's histogram_quantile). */
export function quantile(v: ScrapeView, histogram: string, q: number, by: readonly string[], m: Match = {}): Point[] {
  if (v.dt <= 0) return [];
  const buckets = v.inc(`${histogram}_bucket`).filter((s) => matches(s, m));
  const groups = new Map<string, { labels: Record<string, string>; samples: Sample[] }>();
  for (const s of buckets) {
    const labels = Object.fromEntries(by.map((k) => [k, s.labels[k] ?? '']));
    const key = keyOf(labels);
    const g = groups.get(key) ?? { labels, samples: [] };
    g.samples.push(s);
    groups.set(key, g);
  }
  const out: Point[] = [];
  for (const g of groups.values()) {
    const value = histogramQuantile(q, mergeBuckets(g.samples));
    if (value !== undefined) out.push({ labels: g.labels, value });
  }
  return out;
}

/** The latest value of a gauge, by labels, the max over targets (every worker reports the same queue). */
export const gaugeMax = (v: ScrapeView, name: string, by: readonly string[]): Point[] =>
  group(v.latest(name), by, 'max');

/** Renders a legend template (`{{route}}`) from labels, as Grafana's legendFormat does. */
export const legendOf = (template: string, labels: Record<string, string>) =>
  template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => labels[k] ?? '');
