// The tables of the API benchmark's section: throughput and latency per route and target (medians over
// rounds, ratios per round) and the targets against what was measured. Pure: from the results only.
import type { Curve, Sample } from './saturation-curve.ts';
import { saturationRatios } from './saturation-curve.ts';
import type { StalenessResult } from './staleness.ts';
import { fmt, median, ratios, span } from './stats.ts';

export interface ApiResults {
  /** Measurements by "<route>/<target>", one per round. */
  results: ReadonlyMap<string, Sample[]>;
  curves: Record<'bare' | 'default' | 'before', Curve[]>;
  writes: StalenessResult;
  underWrites: { hitRate: number | null; dbQueriesPerRequest: number };
}

/** The route table's rows, the summary ratios (also written to the JSON) and the targets table. */
export function apiTables({ results, curves, writes, underWrites }: ApiResults) {
  const get = (key: string) => results.get(key) ?? [];
  const pick = (key: string, f: (s: Sample) => number | null) =>
    get(key)
      .map(f)
      .filter((x): x is number => x !== null);
  const rps = (key: string) => pick(key, (s) => s.result.throughput);
  const errorsOf = (key: string) => get(key).reduce((n, s) => n + s.result.requests * (1 - s.result.success), 0);
  const rows: string[] = [];
  const row = (route: string, target: string, key: string, ceiling?: string) => {
    const ratio = ceiling ? span(ratios(rps(key), rps(ceiling))) : '–';
    rows.push(
      `| ${route} | ${target} | ${fmt(median(rps(key)))} | ${ratio} | ${fmt(median(pick(key, (s) => s.result.p50)), 1)} | ` +
        `${fmt(median(pick(key, (s) => s.result.p95)), 1)} | ${fmt(median(pick(key, (s) => s.result.p99)), 1)} | ` +
        `${fmt(median(pick(key, (s) => s.hitRate)), 3)} | ${fmt(median(pick(key, (s) => s.dbQueriesPerRequest)), 3)} | ` +
        `${Math.round(errorsOf(key))} | ${span(pick(key, (s) => s.result.generatorCpu))} |`,
    );
  };
  const hotLabel = 'GET /products/:id (the 200 most popular, all cached: "cached detail")';
  row(hotLabel, 'default, rate limiter off', 'hot/unlimited', 'hot/bare');
  for (const [kind, label] of [
    ['hot', hotLabel],
    ['detail', 'GET /products/:id (Zipf over all products)'],
    ['list', 'GET /products (filters × sorts, Zipf depth)'],
  ] as const) {
    row(label, 'bare (ceiling)', `${kind}/bare`, `${kind}/bare`);
    row(label, 'default', `${kind}/default`, `${kind}/bare`);
    row(label, 'before', `${kind}/before`, `${kind}/bare`);
  }
  row('browse mix, closed loop', 'bare (ceiling)', 'browse/bare', 'browse/bare');
  row('browse mix, closed loop', 'default', 'browse/default', 'browse/bare');
  row('browse mix, closed loop', 'before', 'browse/before', 'browse/bare');

  const summary = {
    hotCachedOverCeiling: ratios(rps('hot/default'), rps('hot/bare')),
    // What the limiter takes from a cache hit, as a share of the ceiling: (off − on) ÷ bare, per round.
    limiterCostOverCeiling: rps('hot/bare').map(
      (bare, i) => ((rps('hot/unlimited')[i] ?? Number.NaN) - (rps('hot/default')[i] ?? Number.NaN)) / bare,
    ),
    detailCachedOverCeiling: ratios(rps('detail/default'), rps('detail/bare')),
    listCachedOverCeiling: ratios(rps('list/default'), rps('list/bare')),
    detailCachedOverBefore: ratios(rps('detail/default'), rps('detail/before')),
    listCachedOverBefore: ratios(rps('list/default'), rps('list/before')),
    browseCachedOverBefore: ratios(rps('browse/default'), rps('browse/before')),
    saturationCachedOverCeiling: saturationRatios(curves.default, curves.bare),
    saturationCachedOverBefore: saturationRatios(curves.default, curves.before),
  };
  const halfKey = 'browse-half/default';
  const targetsTable = [
    ['cached ÷ ceiling, detail (the 200 most popular, in memory)', '≥ 0.9', span(summary.hotCachedOverCeiling)],
    ["the rate limiter's cost on a cached detail, ÷ ceiling", '< 0.10', span(summary.limiterCostOverCeiling)],
    ['cached ÷ ceiling, detail (Zipf over all 50k products)', '–', span(summary.detailCachedOverCeiling)],
    ['cached ÷ ceiling, list', '–', span(summary.listCachedOverCeiling)],
    [
      'cached ÷ before, browse mix: saturation (open model) / closed loop',
      '≥ 15× (seed: 10×)',
      `${span(summary.saturationCachedOverBefore, 1)}× / ${span(summary.browseCachedOverBefore, 1)}×`,
    ],
    ['cached ÷ ceiling, browse mix saturation (open model)', '–', span(summary.saturationCachedOverCeiling)],
    [
      'cached ÷ before, detail / list',
      '–',
      `${span(summary.detailCachedOverBefore, 1)}× / ${span(summary.listCachedOverBefore, 1)}×`,
    ],
    [
      'p95 at ½ saturation, browse mix',
      '≤ 5 ms (seed: 30 ms)',
      `${span(
        pick(halfKey, (s) => s.result.p95),
        1,
      )} ms`,
    ],
    [
      'hit rate, browse mix at ½ saturation',
      '≥ 0.97 (seed: 0.90–0.95)',
      span(
        pick(halfKey, (s) => s.hitRate),
        3,
      ),
    ],
    [
      'DB queries per request, browse mix',
      '≤ 0.1 (seed: 1–2)',
      span(
        pick(halfKey, (s) => s.dbQueriesPerRequest),
        3,
      ),
    ],
    [
      'stale reads > 1 s after a write (worst stale window)',
      '0',
      `${writes.staleReads} of ${writes.reads} reads after ${writes.writes} writes (worst ${fmt(writes.worstStaleMs, 0)} ms)`,
    ],
    [
      'hit rate / DB q/req, browse mix with admin writes',
      '≥ 0.97 / ≤ 0.1',
      `${fmt(underWrites.hitRate, 3)} / ${fmt(underWrites.dbQueriesPerRequest, 3)}`,
    ],
  ];

  return { rows, summary, targetsTable };
}
