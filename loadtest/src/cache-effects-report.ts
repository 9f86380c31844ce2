// The cache-effects benchmark (loadtest/cache-effects.ts): what it reads from /metrics besides
// api-metrics' counters, and its one table of "feature on ÷ feature off", per-round ratios.
import { type ApiCounters, parseCounters } from './api-metrics.ts';
import { fmt, median, ratios, span } from './stats.ts';

export interface CacheCounters extends ApiCounters {
  /** First-tier lookups answered from this process's memory (fresh or in grace). */
  l1Hits: number;
  /** Requests the cache warmer sent through the routes: each is a lookup too, not traffic. */
  warmRequests: number;
  /** Those of them sent again after an invalidation (reason="invalidation"). */
  rewarmRequests: number;
}

const sum = (lines: string[], prefix: string, filter: (line: string) => boolean) =>
  lines.filter((l) => l.startsWith(prefix) && filter(l)).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);

export function parseCacheCounters(text: string): CacheCounters {
  const lines = text.split('\n');
  return {
    ...parseCounters(text),
    l1Hits: sum(lines, 'avelon_cache_lookups_total{', (l) => l.includes('tier="l1"') && /result="(hit|stale)"/.test(l)),
    warmRequests: sum(lines, 'avelon_cache_warm_requests_total{', () => true),
    rewarmRequests: sum(lines, 'avelon_cache_warm_requests_total{', (l) => l.includes('reason="invalidation"')),
  };
}

export async function cacheCounters(opsUrl: string): Promise<CacheCounters> {
  return parseCacheCounters(await (await fetch(`${opsUrl}/metrics`)).text());
}

export const noCounters: CacheCounters = {
  l1Lookups: 0,
  hits: 0,
  dbQueries: 0,
  l1Hits: 0,
  warmRequests: 0,
  rewarmRequests: 0,
};

/**
 * Share of the traffic's first-tier lookups answered from memory. Every request of the warmer is one
 * lookup, taken out. A fresh process's first pass (reason "start") finds its memory empty: misses; a
 * second pass (reason "invalidation", which a fresh process also runs: see the report of issue 9) finds
 * the first one's values: hits, taken out of the hits too (had memory been emptied in between, this
 * undercounts the traffic's hits: the figure errs against warming).
 */
export function l1HitShare(before: CacheCounters, after: CacheCounters): number | null {
  const lookups = after.l1Lookups - before.l1Lookups - (after.warmRequests - before.warmRequests);
  const hits = after.l1Hits - before.l1Hits - (after.rewarmRequests - before.rewarmRequests);
  return lookups > 0 ? hits / lookups : null;
}

/** One measurement of one variant: named figures (null when not measured). */
export type Figures = Record<string, number | null>;

/** A measure of the table: key in Figures, label, digits. */
export type Measure = readonly [key: string, label: string, digits: number];

const present = (xs: readonly (number | null | undefined)[]): number[] =>
  xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));

/**
 * Rows "| feature | measure | on | off | on ÷ off |": on and off are medians over rounds, the ratio the
 * median (min–max) of the per-round ratios (each from two measurements taken back to back).
 */
export function effectRows(
  feature: string,
  on: readonly Figures[],
  off: readonly Figures[],
  measures: readonly Measure[],
): string[] {
  return measures.map(([key, label, digits]) => {
    const a = on.map((f) => f[key] ?? null);
    const b = off.map((f) => f[key] ?? null);
    const pairs = a.flatMap((x, i) => {
      const y = b[i];
      return typeof x === 'number' && typeof y === 'number' && y !== 0 ? [[x, y] as const] : [];
    });
    const r = ratios(
      pairs.map(([x]) => x),
      pairs.map(([, y]) => y),
    );
    const medianOf = (xs: (number | null)[]) => (present(xs).length ? fmt(median(present(xs)), digits) : '–');
    return `| ${feature} | ${label} | ${medianOf(a)} | ${medianOf(b)} | ${span(r)} |`;
  });
}
