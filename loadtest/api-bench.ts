// The API benchmark (`make bench` → scripts/bench/api.sh), all with vegeta and in one run on one stack:
//   1. the ceiling: bare Fastify (loadtest/bare-fastify.ts) with bodies of the API's size;
//   2. the API as installed by default (rate limiter on, its limits set out of reach): product detail, product
//      lists and the browse mix, after a stated warm-up of the browse mix;
//   3. the seed's "before": the same API with the cache off and every read on the primary.
// Throughput is closed loop (BENCH_WORKERS connections, as fast as they go); then, per target, the saturation
// curve of the browse mix, open model (loadtest/src/saturation-curve.ts: step the arrival rate up until p99,
// errors or keeping up break, then p50/p95/p99 at 25%, 50% and 80% of it), with the cache hit rate and DB
// queries per request from /metrics. Then the admin-writes scenario with the staleness check.
// Rounds interleave the targets; the "## API" section of docs/benchmarks.md and docs/benchmarks-api.json are
// written from this run only.
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminToken } from './src/admin-token.ts';
import { between, counters } from './src/api-metrics.ts';
import { apiTables } from './src/api-report.ts';
import { benchApiEnv } from './src/bench-api.ts';
import { type BrowseKind, browseGenerator, describeBrowseMix, vegetaTargets } from './src/browse-targets.ts';
import { type Catalogue, catalogueFor } from './src/catalogue.ts';
import { writeSection } from './src/doc-section.ts';
import { distinctPaths, replay } from './src/history-replay.ts';
import { type Started, startServer } from './src/processes.ts';
import { breakDefaults } from './src/saturation.ts';
import { type Curve, curveRows, type Sample, saturationCurve } from './src/saturation-curve.ts';
import { adminWrites, type StalenessResult } from './src/staleness.ts';
import { fmt, median, span } from './src/stats.ts';
import { type AttackResult, attack } from './src/vegeta.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const seconds = env('BENCH_DURATION', 5);
const rounds = env('BENCH_ROUNDS', 3);
const workers = env('BENCH_WORKERS', 50);
const warmupHistory = env('BENCH_WARMUP_HISTORY', 1_000_000);
const warmupSeconds = env('BENCH_WARMUP', 30);
const warmupRate = env('BENCH_WARMUP_RATE', 400);
const writeSeconds = env('BENCH_WRITE_DURATION', 20);
const writeRate = env('BENCH_WRITE_RATE', 2);
const stepSeconds = env('BENCH_STEP_DURATION', 4);
const criteria = { ...breakDefaults, p99Ms: env('BENCH_SAT_P99_MS', breakDefaults.p99Ms) };
const docFile = process.env.BENCH_DOC ?? join(root, 'docs/benchmarks.md');
const jsonFile = process.env.BENCH_JSON ?? join(root, 'docs/benchmarks-api.json');
const catalogueFile = join(process.env.AVELON_DATA_DIR ?? tmpdir(), 'bench-catalogue.json');
/** Enough targets that a closed-loop measurement never cycles through them (a cycle would be all hits). */
const closedTargets = env('BENCH_MAX_RPS', 40_000) * seconds;

const api = benchApiEnv;
const [cached, before, unlimited] = await Promise.all([
  startServer('api (default)', 'api/src/main.ts', { ...api, INSTANCE_ID: 'bench-default' }, root, { ops: true }),
  startServer(
    'api (before: cache off, primary only)',
    'api/src/main.ts',
    { ...api, CACHE_ENABLED: 'false', DATABASE_REPLICA_URLS: '', INSTANCE_ID: 'bench-before' },
    root,
    { ops: true },
  ),
  // Measured on the cached detail only, beside default: what the rate limiter costs a cache hit.
  startServer(
    'api (default, rate limiter off)',
    'api/src/main.ts',
    { ...api, RATE_LIMIT_ENABLED: 'false', INSTANCE_ID: 'bench-unlimited' },
    root,
    { ops: true },
  ),
]);
const started: Started[] = [cached, before, unlimited];
/** Where an API serves /metrics: its ops server. */
const metricsOf = (s: Started) => s.opsUrl ?? s.url;

console.log(`==> catalogue from ${cached.url} (kept in ${catalogueFile})`);
const catalogue: Catalogue = await catalogueFor(cached.url, catalogueFile);
const sampleGen = browseGenerator(catalogue, { seed: 99 });
const samplesFile = join(tmpdir(), `avelon-bench-samples-${process.pid}.json`);
const sample = async (kind: BrowseKind) => (await fetch(`${cached.url}${sampleGen.nextOf(kind).path}`)).json();
writeFileSync(samplesFile, JSON.stringify({ detail: await sample('detail'), list: await sample('list') }));
const bare = await startServer('bare fastify', 'loadtest/bare-fastify.ts', { SAMPLES_FILE: samplesFile }, root);
started.push(bare);

const paths = (seed: number, count: number, kind?: BrowseKind) => {
  const gen = browseGenerator(catalogue, { seed });
  return Array.from({ length: count }, () => (kind ? gen.nextOf(kind) : gen.next()).path);
};

const historyGen = browseGenerator(catalogue, { seed: 999 });
const historyPaths = distinctPaths(() => historyGen.next().path, warmupHistory);
console.log(
  `==> warm-up: the ${historyPaths.length} distinct paths of a ${warmupHistory}-request browse stream, once each`,
);
const history = await replay(cached.url, historyPaths, 32);
/** The 200 most requested product details of the warm-up stream (first seen is, roughly, most popular). */
const hottest = historyPaths.filter((p) => /^\/api\/v1\/products\/\d+$/.test(p)).slice(0, 200);
console.log(`    ${history.ok} answered, ${history.failed} failed, in ${fmt(history.seconds, 0)} s`);
console.log(
  `==> warm-up: browse mix at ${warmupRate}/s for ${warmupSeconds} s on the default API; JIT of the others (the limiter-off API on product details)`,
);
await attack({
  targets: vegetaTargets(cached.url, paths(1000, warmupRate * warmupSeconds)),
  rate: warmupRate,
  durationSeconds: warmupSeconds,
  workers: 500,
});
for (const t of [before, bare, unlimited])
  await attack({
    targets: vegetaTargets(t.url, paths(1001, 2000, t === before ? undefined : 'detail')),
    rate: 0,
    durationSeconds: 3,
    workers,
  });

const results = new Map<string, Sample[]>();
/** One measurement; kept under `key` in the results (steps of the saturation search are not). */
const measure = async (
  key: string | undefined,
  target: Started,
  targetPaths: string[],
  rate: number,
  duration = seconds,
): Promise<Sample> => {
  const hasMetrics = target !== bare;
  const c0 = hasMetrics ? await counters(metricsOf(target)) : undefined;
  const result = await attack({
    targets: vegetaTargets(target.url, targetPaths),
    rate,
    durationSeconds: duration,
    workers: rate === 0 ? workers : 1000,
    // A step past saturation must not wait 10 s for its stragglers: 5 s is broken by any criterion.
    timeoutSeconds: 5,
  });
  const c1 = hasMetrics ? await counters(metricsOf(target)) : undefined;
  const m = c0 && c1 ? between(c0, c1, result.requests) : { hitRate: null, dbQueriesPerRequest: null };
  const sample = { result, ...m };
  if (key) results.set(key, [...(results.get(key) ?? []), sample]);
  console.log(
    `${key ?? `  step ${rate}/s`}: ${fmt(result.throughput)} req/s ok, p50 ${fmt(result.p50, 1)} p95 ${fmt(result.p95, 1)} p99 ${fmt(result.p99, 1)} ms, ` +
      `success ${fmt(result.success, 4)}, hit rate ${fmt(m.hitRate, 3)}, DB q/req ${fmt(m.dbQueriesPerRequest, 3)}, ` +
      `generator ${fmt(result.generatorCpu, 2)} cores`,
  );
  return sample;
};
const curves: Record<'bare' | 'default' | 'before', Curve[]> = { bare: [], default: [], before: [] };

for (let round = 1; round <= rounds; round++) {
  console.log(`==> round ${round}/${rounds}`);
  const seed = round * 10;
  // The cached detail: the most popular products only, every one in memory after the warm-up.
  const hotPaths = Array.from({ length: closedTargets }, (_, i) => hottest[i % hottest.length] as string);
  for (const [name, t] of [
    ['bare', bare],
    ['default', cached],
    ['unlimited', unlimited],
    ['before', before],
  ] as const)
    await measure(`hot/${name}`, t, hotPaths, 0);
  for (const kind of ['detail', 'list'] as const) {
    const p = paths(seed + (kind === 'list' ? 1 : 0), closedTargets, kind);
    for (const t of [bare, cached, before]) {
      const name = t === bare ? 'bare' : t === cached ? 'default' : 'before';
      await measure(`${kind}/${name}`, t, p, 0);
    }
  }
  const mix = paths(seed + 2, closedTargets);
  const closed = {
    bare: await measure('browse/bare', bare, mix, 0),
    default: await measure('browse/default', cached, mix, 0),
    before: await measure('browse/before', before, mix, 0),
  };
  for (const [name, target] of [
    ['bare', bare],
    ['default', cached],
    ['before', before],
  ] as const) {
    console.log(`==> saturation of the browse mix, open model: ${name}`);
    let n = 0;
    const curve = await saturationCurve({
      // Closed loop with ${workers} connections is near saturation: the search starts a little under it.
      start: Math.max(5, 0.6 * closed[name].result.throughput),
      stepSeconds,
      pointSeconds: seconds,
      criteria,
      measure: (rate, duration) =>
        measure(undefined, target, paths(seed + 100 + n++, Math.ceil(rate * duration)), rate, duration),
    });
    curves[name].push(curve);
    // The 50% point is the "½ saturation" figure of the targets table and of the capacity model.
    const half = curve.points['0.5'];
    if (name === 'default' && half)
      results.set('browse-half/default', [...(results.get('browse-half/default') ?? []), half]);
  }
}

console.log(`==> admin writes: ${writeRate}/s for ${writeSeconds} s under the browse mix, staleness bound 1 s`);
const halfRates = (results.get('browse-half/default') ?? []).map((s) => s.result.rate);
const writeBrowseRate = Math.round(median(halfRates));
const token = await adminToken(cached.url, {
  email: 'admin@avelon.local',
  queueRedisUrl: String(process.env.REDIS_QUEUE_URL),
  queuePrefix: process.env.QUEUE_PREFIX ?? 'avelon',
});
const hotGen = browseGenerator(catalogue, { seed: 7 });
const hot = [...new Set(Array.from({ length: 2000 }, () => Number(hotGen.nextOf('detail').path.split('/').at(-1))))];
const w0 = await counters(metricsOf(cached));
const [load, writes]: [AttackResult, StalenessResult] = await Promise.all([
  attack({
    targets: vegetaTargets(cached.url, paths(77, writeBrowseRate * writeSeconds)),
    rate: writeBrowseRate,
    durationSeconds: writeSeconds,
    workers: 1000,
  }),
  adminWrites({
    writeUrl: cached.url,
    readUrls: [cached.url],
    token,
    productIds: hot.slice(0, 50),
    writesPerSecond: writeRate,
    durationSeconds: writeSeconds,
    boundMs: 1000,
  }),
]);
const w1 = await counters(metricsOf(cached));
const underWrites = between(w0, w1, load.requests + writes.reads);

for (const s of started) await s.stop();

// --- report ------------------------------------------------------------------------------------------------
const { rows, summary, targetsTable } = apiTables({ results, curves, writes, underWrites });

const command = 'make bench  # AVELON_BENCHES=api for this section only';
const section = `## API

Command: \`${command}\` (scripts/bench/api.sh → loadtest/api-bench.ts). Load generator: vegeta
(see "Load generator" below); its CPU, in cores, is in the last column. Run on ${new Date().toISOString().slice(0, 10)},
Node ${process.version}, 2 shared cores; load average at the end ${loadavg()
  .map((l) => l.toFixed(1))
  .join(', ')} (absolute numbers drift with the machine's other work: compare the ratios, each taken within one round).

- **Targets**, all on the same stack: **bare** = loadtest/bare-fastify.ts answering JSON bodies of the API's size
  (the ceiling); **default** = \`node api/src/main.ts\` as installed (cache on, rate limiter on with its
  limits set out of reach, so every request pays the limiter's Redis round trip); **before** = the same with
  \`CACHE_ENABLED=false\` and \`DATABASE_REPLICA_URLS=\` (every read on the primary, the seed's design).
- **Warm-up** (steady state): on *default*, each of the ${historyPaths.length} distinct paths of a ${warmupHistory}-request
  browse stream once (${fmt(history.seconds, 0)} s; a shop at the seed's scale serves more than that within one product TTL, so
  this is the set its cache holds; loadtest/src/history-replay.ts), then the browse mix at ${warmupRate}/s for
  ${warmupSeconds} s; 3 s on the others. Every stream (warm-up and measured) shares one popularity order: the same
  products stay popular, as with real shoppers.
- **Cached detail** (first rows): GET /products/:id over the 200 most popular products of the warm-up stream,
  every one in memory: what the limiter and the rest of the request path cost on a cache hit. Also measured on
  **default, limiter off** (\`RATE_LIMIT_ENABLED=false\`, same stack): the limiter's cost is (off − on) ÷ bare, per round.
- **Rounds**: ${rounds}; in each, every target is measured for ${seconds} s back to back on the same request sequence.
  Throughput in the first table is closed loop (${workers} connections as fast as they go). Figures are medians
  over rounds, ratios the median (min–max) of per-round ratios. Errors are non-2xx or failed requests.
- **Saturation, open model** (second table): per round and target (bare, default, before, in that order), the
  browse mix at a constant arrival rate for ${stepSeconds} s a step, starting at 60% of that round's closed-loop figure,
  after one step at a tenth of that (light load: its p99 sets the bound), ×1.25 a step until a step breaks (p99 >
  max(${criteria.p99Ms} ms, 5 × the light-load p99): ${Object.entries(curves)
    .map(([t, list]) => `${t} ${list.map((c) => fmt(c.p99Bound)).join('/')} ms`)
    .join(', ')}; success < ${criteria.minSuccess}, or answered < ${criteria.minKeepUp} × offered), then
  bisected to within 10% (at most 7 steps); saturation is the highest offered rate that held. Then ${seconds} s each
  at 25%, 50% and 80% of it; "½ saturation" in the targets table is the 50% point of *default*.
- **Keys**: ${catalogue.products.length} products, ${catalogue.categories.length} categories, ${catalogue.brands.length} brands of the demo data. Browse mix: ${describeBrowseMix()}.

| route | target | req/s | ÷ bare | p50 ms | p95 ms | p99 ms | hit rate | DB queries/request | errors | generator CPU (cores) |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

| target | load (open model) | offered req/s | p50 ms | p95 ms | p99 ms | errors | hit rate | DB queries/request | generator CPU (cores) |
|---|---|---|---|---|---|---|---|---|---|
${curveRows(curves).join('\n')}

Saturation, default ÷ bare (ceiling): **${span(summary.saturationCachedOverCeiling)}**; default ÷ before (baseline):
**${span(summary.saturationCachedOverBefore, 1)}×** (per-round ratios, median (min–max)).

**Admin writes under load** (loadtest/admin-writes.ts does the same on any stack): ${writes.writes} price/stock
changes (${writeRate}/s for ${writeSeconds} s, ${writes.failedWrites} failed, p50 ${fmt(writes.writeP50Ms, 0)} ms, max ${fmt(writes.writeMaxMs, 0)} ms) on the 50 most
viewed products while the browse mix runs at ${writeBrowseRate}/s (p95 ${fmt(load.p95, 1)} ms, success ${fmt(load.success, 4)}); after each write
the product is read every 20 ms for 2 s: ${writes.reads} reads, ${writes.writesSeenStale} writes whose old value was still seen after the
acknowledgement, worst stale window ${fmt(writes.worstStaleMs, 0)} ms, **${writes.staleReads} stale reads sent more than 1 s after a write**.

| target (issue 12) | goal | measured |
|---|---|---|
${targetsTable.map((r) => `| ${r.join(' | ')} |`).join('\n')}
`;
console.log(`\n${section}`);
writeSection(docFile, 'API', section);
writeFileSync(
  jsonFile,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      settings: {
        seconds,
        rounds,
        workers,
        warmupHistory,
        warmupDistinctPaths: historyPaths.length,
        warmupHistorySeconds: history.seconds,
        warmupSeconds,
        warmupRate,
        writeSeconds,
        writeRate,
        stepSeconds,
        criteria,
      },
      catalogue: {
        products: catalogue.products.length,
        categories: catalogue.categories.length,
        brands: catalogue.brands.length,
      },
      measurements: Object.fromEntries(results),
      saturation: curves,
      summary,
      writes,
      browseUnderWrites: { rate: writeBrowseRate, result: load, ...underWrites },
    },
    null,
    2,
  )}\n`,
);
console.log(`written to ${docFile} and ${jsonFile}`);
