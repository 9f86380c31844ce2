// What each cache feature buys on the browse mix (`make bench` → scripts/bench/cache-effects.sh, ≈ 3 min),
// every one as "on ÷ off" between two variants measured back to back, rounds interleaving the order:
//   1. stale-while-revalidate + refresh-ahead: two API processes, one with CACHE_GRACE_SECONDS=0 and
//      CACHE_REFRESH_AHEAD_PERCENT=100; product and list TTLs cut to seconds (the operator's TTL contract)
//      so values expire during the run; each process has a Redis database of its own, so one's
//      background reloads cannot serve the other's L2 lookups. Open model at a fixed rate.
//   2. warming: a fresh process (empty memory) joining the warm Redis of 1., whose popularity set its
//      traffic filled; its first seconds of traffic with CACHE_WARM_KEYS at the default or 0.
//   3. prepared statements on the replica connections: cache off, reads on the replica,
//      DATABASE_REPLICA_PREPARED true or false; open model below saturation, then closed loop.
// Writes the "## Cache features, one at a time" section of docs/benchmarks.md and
// docs/benchmarks-cache-effects.json.
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CacheClass, resetCacheTtl, writeCacheTtl } from '@avelon/core';
import { Redis } from 'ioredis';
import { between } from './src/api-metrics.ts';
import { benchApiEnv } from './src/bench-api.ts';
import { browseGenerator, describeBrowseMix, vegetaTargets } from './src/browse-targets.ts';
import {
  type CacheCounters,
  cacheCounters,
  effectRows,
  type Figures,
  l1HitShare,
  type Measure,
  noCounters,
} from './src/cache-effects-report.ts';
import { catalogueFor } from './src/catalogue.ts';
import { writeSection } from './src/doc-section.ts';
import { type Started, startServer } from './src/processes.ts';
import { fmt, median } from './src/stats.ts';
import { attack } from './src/vegeta.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const rounds = env('BENCH_EFFECT_ROUNDS', 2);
const rate = env('BENCH_EFFECT_RATE', 300);
const swrSeconds = env('BENCH_EFFECT_DURATION', 12);
const leadInSeconds = env('BENCH_EFFECT_LEAD_IN', 4);
const coldSeconds = env('BENCH_EFFECT_COLD_DURATION', 10);
const preparedRate = env('BENCH_EFFECT_PREPARED_RATE', 60);
const preparedSeconds = env('BENCH_EFFECT_PREPARED_DURATION', 6);
const closedSeconds = env('BENCH_EFFECT_CLOSED_DURATION', 4);
const closedWorkers = env('BENCH_EFFECT_WORKERS', 20);
/** Run-time TTLs of part 1: short enough that hot values expire several times within a measurement. */
const shortTtls: ReadonlyArray<readonly [CacheClass, number]> = [
  ['product', env('BENCH_EFFECT_PRODUCT_TTL', 10)],
  ['product-list', env('BENCH_EFFECT_LIST_TTL', 5)],
];
const warmKeys = 2000;
const docFile = process.env.BENCH_DOC ?? join(root, 'docs/benchmarks.md');
const jsonFile = process.env.BENCH_JSON ?? join(root, 'docs/benchmarks-cache-effects.json');
const catalogueFile = join(process.env.AVELON_DATA_DIR ?? tmpdir(), 'bench-catalogue.json');

// Two databases of the cache Redis that only this benchmark uses, emptied at the start: every run begins
// from the same state (no values left by an earlier run or by another section with the same streams).
const dbOn = env('BENCH_EFFECT_REDIS_DB', 2);
const dbOff = dbOn + 1;
const redisUrl = (db: number) => {
  const url = new URL(String(process.env.REDIS_CACHE_URL));
  url.pathname = `/${db}`;
  return url.toString();
};
const ttlRedis = [new Redis(redisUrl(dbOn)), new Redis(redisUrl(dbOff))];
await Promise.all(ttlRedis.map((r) => r.flushdb()));
// The popularity set is filled at 1 in 1, so that a short run fills it (the default samples 1 in 8).
const base = { ...benchApiEnv, REDIS_CACHE_URL: redisUrl(dbOn), CACHE_POPULARITY_SAMPLE: '1' };
const cacheOff = (prepared: 'true' | 'false') =>
  startServer(
    `api (cache off, replica prepared=${prepared})`,
    'api/src/main.ts',
    { ...base, CACHE_ENABLED: 'false', DATABASE_REPLICA_PREPARED: prepared, INSTANCE_ID: `effects-prep-${prepared}` },
    root,
    { ops: true },
  );
const [swrOn, swrOff, preparedOn, preparedOff] = await Promise.all([
  startServer('api (grace + refresh-ahead)', 'api/src/main.ts', { ...base, INSTANCE_ID: 'effects-swr-on' }, root, {
    ops: true,
  }),
  startServer(
    'api (no grace, no refresh-ahead)',
    'api/src/main.ts',
    {
      ...base,
      CACHE_GRACE_SECONDS: '0',
      CACHE_REFRESH_AHEAD_PERCENT: '100',
      REDIS_CACHE_URL: redisUrl(dbOff),
      INSTANCE_ID: 'effects-swr-off',
    },
    root,
    { ops: true },
  ),
  cacheOff('true'),
  cacheOff('false'),
]);
const metricsOf = (s: Started) => s.opsUrl ?? s.url;
const setTtls = (short: boolean) =>
  Promise.all(
    ttlRedis.flatMap((r) =>
      shortTtls.map(([cls, seconds]) => (short ? writeCacheTtl(r, cls, seconds) : resetCacheTtl(r, cls))),
    ),
  );

console.log(`==> catalogue from ${swrOn.url} (kept in ${catalogueFile})`);
const catalogue = await catalogueFor(swrOn.url, catalogueFile);
const paths = (seed: number, count: number) => {
  const gen = browseGenerator(catalogue, { seed });
  return Array.from({ length: count }, () => gen.next().path);
};

/** One open- or closed-model run of the browse mix (rate 0 = closed loop), with what /metrics says of it. */
const measure = async (
  label: string,
  target: Started,
  targetPaths: string[],
  o: { rate: number; seconds: number; since?: CacheCounters },
): Promise<Figures> => {
  const c0 = o.since ?? (await cacheCounters(metricsOf(target)));
  const result = await attack({
    targets: vegetaTargets(target.url, targetPaths),
    rate: o.rate,
    durationSeconds: o.seconds,
    workers: o.rate === 0 ? closedWorkers : 1000,
    timeoutSeconds: 5,
  });
  const c1 = await cacheCounters(metricsOf(target));
  const m = between(c0, c1, result.requests);
  const figures: Figures = {
    throughput: result.throughput,
    p50: result.p50,
    p95: result.p95,
    p99: result.p99,
    errors: Math.round(result.requests * (1 - result.success)),
    hitRate: m.hitRate,
    dbQueriesPerRequest: m.dbQueriesPerRequest,
    l1HitShare: l1HitShare(c0, c1),
    warmRequests: c1.warmRequests - c0.warmRequests,
    generatorCpu: result.generatorCpu,
  };
  console.log(
    `${label}: ${fmt(result.throughput)} req/s ok, p50 ${fmt(result.p50, 1)} p95 ${fmt(result.p95, 1)} p99 ${fmt(result.p99, 1)} ms, ` +
      `errors ${figures.errors}, hit rate ${fmt(m.hitRate, 3)}, L1 ${fmt(figures.l1HitShare, 3)}, ` +
      `DB q/req ${fmt(m.dbQueriesPerRequest, 3)}, warm requests ${figures.warmRequests}`,
  );
  return figures;
};

const results: Record<string, Figures[]> = {};
const keep = (key: string, f: Figures) => {
  results[key] = [...(results[key] ?? []), f];
};

console.log('==> JIT of the cache-off processes: 3 s each, closed loop');
for (const t of [preparedOn, preparedOff])
  await attack({ targets: vegetaTargets(t.url, paths(5, 2000)), rate: 0, durationSeconds: 3, workers: closedWorkers });

try {
  for (let round = 1; round <= rounds; round++) {
    const seed = round * 10;
    // Odd rounds measure "on" first, even rounds "off" first: drift of the machine cancels in the median.
    const order = <T>(on: T, off: T): T[] => (round % 2 ? [on, off] : [off, on]);

    console.log(
      `==> round ${round}/${rounds}: grace + refresh-ahead, TTLs ${shortTtls.map(([c, s]) => `${c} ${s} s`).join(', ')}`,
    );
    await setTtls(true);
    for (const [target, key] of order([swrOn, 'swr/on'] as const, [swrOff, 'swr/off'] as const)) {
      // A lead-in at the same rate: the measured stream starts in the process's steady state, not just
      // after the other variant's turn (when every short TTL has run out).
      await attack({
        targets: vegetaTargets(target.url, paths(seed + 1, rate * leadInSeconds)),
        rate,
        durationSeconds: leadInSeconds,
        workers: 1000,
      });
      keep(key, await measure(key, target, paths(seed + 2, rate * swrSeconds), { rate, seconds: swrSeconds }));
    }
    await setTtls(false);

    console.log(`==> round ${round}/${rounds}: warming of a fresh process joining the warm Redis (default TTLs)`);
    for (const [keys, key] of order([warmKeys, 'warm/on'] as const, [0, 'warm/off'] as const)) {
      const fresh = await startServer(
        `api (fresh, CACHE_WARM_KEYS=${keys})`,
        'api/src/main.ts',
        { ...base, CACHE_WARM_KEYS: String(keys), INSTANCE_ID: `effects-${key.replace('/', '-')}` },
        root,
        { ops: true },
      );
      // Every counter of a fresh process starts at 0: the figures cover its whole life, warm-up included.
      // Each variant has a stream of its own (same popularity): on one sequence, the second process would
      // find in Redis every value the first one loaded.
      const stream = paths(seed + (keys ? 3 : 6), rate * coldSeconds);
      keep(key, await measure(key, fresh, stream, { rate, seconds: coldSeconds, since: noCounters }));
      await fresh.stop();
    }

    console.log(`==> round ${round}/${rounds}: prepared statements on the replica, cache off`);
    for (const [target, key] of order([preparedOn, 'prepared/on'] as const, [preparedOff, 'prepared/off'] as const)) {
      const open = await measure(key, target, paths(seed + 4, preparedRate * preparedSeconds), {
        rate: preparedRate,
        seconds: preparedSeconds,
      });
      const closed = await measure(`${key} (closed loop)`, target, paths(seed + 5, 20_000), {
        rate: 0,
        seconds: closedSeconds,
      });
      keep(key, { ...open, closedThroughput: closed.throughput ?? null });
    }
  }
} finally {
  await setTtls(false);
  for (const r of ttlRedis) r.disconnect();
  for (const s of [swrOn, swrOff, preparedOn, preparedOff]) await s.stop();
}

// --- report ------------------------------------------------------------------------------------------------
const latency: Measure[] = [
  ['p50', 'p50 ms', 1],
  ['p95', 'p95 ms', 1],
  ['p99', 'p99 ms', 1],
];
const r = (key: string) => results[key] ?? [];
const rows = [
  ...effectRows('grace + refresh-ahead', r('swr/on'), r('swr/off'), [
    ['hitRate', 'hit rate', 3],
    ['dbQueriesPerRequest', 'DB queries/request', 3],
    ...latency,
    ['errors', 'errors', 0],
  ]),
  ...effectRows('warming', r('warm/on'), r('warm/off'), [
    ['l1HitShare', 'L1 hit share of the traffic', 3],
    ['hitRate', 'hit rate (L1 + Redis)', 3],
    ['dbQueriesPerRequest', 'DB queries/request (warm-up included)', 3],
    ...latency,
    ['warmRequests', 'warm-up requests', 0],
    ['errors', 'errors', 0],
  ]),
  ...effectRows('prepared statements', r('prepared/on'), r('prepared/off'), [
    ...latency,
    ['dbQueriesPerRequest', 'DB queries/request', 3],
    ['closedThroughput', `req/s, closed loop (${closedWorkers} connections)`, 0],
    ['errors', 'errors', 0],
  ]),
];

const warmPasses = Math.round(median(r('warm/on').map((f) => f.warmRequests ?? 0)) / warmKeys);
const command = 'make bench  # AVELON_BENCHES=cache-effects for this section only';
const section = `## Cache features, one at a time

Command: \`${command}\` (scripts/bench/cache-effects.sh → loadtest/cache-effects.ts). Run on
${new Date().toISOString().slice(0, 10)}, Node ${process.version}, 2 shared cores; load average at the end ${loadavg()
  .map((l) => l.toFixed(1))
  .join(', ')}.
Each feature is measured on and off back to back on the same request sequence (warming: one sequence per
variant, with the same popular items), ${rounds} rounds alternating which goes first; "on" and "off" are medians
over the rounds, "on ÷ off" the median (min–max) of the per-round ratios (below 1 is better for latencies and
DB queries, above 1 for hit rates and req/s). Browse mix: ${describeBrowseMix()}.

- **Grace + refresh-ahead** (\`CACHE_GRACE_SECONDS\`, \`CACHE_REFRESH_AHEAD_PERCENT\`): off is
  \`CACHE_GRACE_SECONDS=0 CACHE_REFRESH_AHEAD_PERCENT=100\`, a process of its own; each has a database of the
  cache Redis of its own (${dbOn} and ${dbOff}), emptied at the start of the run, so "on" serves in grace only what
  this run loaded (a shop open for longer holds more: the figures understate it). TTLs cut through the
  operator's contract (\`writeCacheTtl\`) to ${shortTtls.map(([c, s]) => `${c} ${s} s`).join(', ')} for this part (reset after), so hot
  values expire within a measurement. Open model, ${rate} req/s for ${swrSeconds} s, after ${leadInSeconds} s at the same rate
  (unmeasured) on the same process.
- **Warming** (\`CACHE_WARM_KEYS\`): a freshly started process (empty memory) joining the Redis that the first
  part's "on" process filled (values and the popularity set, sampled 1 in 1: \`CACHE_POPULARITY_SAMPLE=1\`),
  default TTLs; ${rate} req/s from the moment it listens, for ${coldSeconds} s; on = ${warmKeys} keys (the default),
  off = 0. The warm-up runs in the background while traffic arrives, as on a pod added by the autoscaler${
    warmPasses > 1
      ? `; it ran ${warmPasses} times in each fresh process (the first subscription to invalidations counts as a
  coarse invalidation and warms again)`
      : ''
  }. The L1 hit share leaves out the warmer's own lookups; DB queries count the warm-up's too.
- **Prepared statements** (\`DATABASE_REPLICA_PREPARED\`): \`CACHE_ENABLED=false\`, reads on the replica;
  open model at ${preparedRate} req/s for ${preparedSeconds} s (below the cache-off saturation of the "## API" section), then
  closed loop with ${closedWorkers} connections for ${closedSeconds} s.

| feature | measure | on | off | on ÷ off |
|---|---|---|---|---|
${rows.join('\n')}
`;
console.log(`\n${section}`);
writeSection(docFile, 'Cache features, one at a time', section);
writeFileSync(
  jsonFile,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      settings: {
        rounds,
        rate,
        swrSeconds,
        leadInSeconds,
        coldSeconds,
        preparedRate,
        preparedSeconds,
        closedSeconds,
        closedWorkers,
        shortTtls: Object.fromEntries(shortTtls),
        warmKeys,
      },
      measurements: results,
    },
    null,
    2,
  )}\n`,
);
console.log(`written to ${docFile} and ${jsonFile}`);
