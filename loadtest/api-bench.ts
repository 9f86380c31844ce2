// The API benchmark (`make bench` → scripts/bench/api.sh), all with vegeta and in one run on one stack:
//   1. the ceiling: bare Fastify (loadtest/bare-fastify.ts) with bodies of the API's size;
//   2. the API as installed by default (rate limiter on, its limits set out of reach): product detail, product
//      lists and the browse mix, after a stated warm-up of the browse mix;
//   3. the seed's "before": the same API with the cache off and every read on the primary.
// Throughput is closed loop (BENCH_WORKERS connections, as fast as they go); latency of the browse mix is open
// model at half of the default API's browse throughput measured in the same round, with the cache hit rate and
// DB queries per request from its /metrics. Then the admin-writes scenario with the staleness check.
// Rounds interleave the targets; the "## API" section of docs/benchmarks.md and docs/benchmarks-api.json are
// written from this run only.
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminToken } from './src/admin-token.ts';
import { between, counters } from './src/api-metrics.ts';
import { type BrowseKind, browseGenerator, describeBrowseMix, vegetaTargets } from './src/browse-targets.ts';
import { type Catalogue, catalogueFor } from './src/catalogue.ts';
import { writeSection } from './src/doc-section.ts';
import { type Started, startServer } from './src/processes.ts';
import { adminWrites, type StalenessResult } from './src/staleness.ts';
import { fmt, median, ratios, span } from './src/stats.ts';
import { type AttackResult, attack } from './src/vegeta.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const seconds = env('BENCH_DURATION', 5);
const rounds = env('BENCH_ROUNDS', 3);
const workers = env('BENCH_WORKERS', 50);
const warmupSeconds = env('BENCH_WARMUP', 60);
const warmupRate = env('BENCH_WARMUP_RATE', 400);
const writeSeconds = env('BENCH_WRITE_DURATION', 20);
const writeRate = env('BENCH_WRITE_RATE', 2);
const docFile = process.env.BENCH_DOC ?? join(root, 'docs/benchmarks.md');
const jsonFile = process.env.BENCH_JSON ?? join(root, 'docs/benchmarks-api.json');
const catalogueFile = join(process.env.AVELON_DATA_DIR ?? tmpdir(), 'bench-catalogue.json');
/** Enough targets that a closed-loop measurement never cycles through them (a cycle would be all hits). */
const closedTargets = env('BENCH_MAX_RPS', 40_000) * seconds;

const outOfReach = {
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_GENERAL_MAX: '1000000000',
  RATE_LIMIT_WRITES_MAX: '1000000000',
  RATE_LIMIT_AUTH_MAX: '1000000000',
};
// info: the start-up line says where it listens; nothing is logged per request.
const api = { LOG_LEVEL: 'info', DOCS_ENABLED: 'false', ...outOfReach };
const [cached, before] = await Promise.all([
  startServer('api (default)', 'api/src/main.ts', { ...api, INSTANCE_ID: 'bench-default' }, root, { ops: true }),
  startServer(
    'api (before: cache off, primary only)',
    'api/src/main.ts',
    { ...api, CACHE_ENABLED: 'false', DATABASE_REPLICA_URLS: '', INSTANCE_ID: 'bench-before' },
    root,
    { ops: true },
  ),
]);
const started: Started[] = [cached, before];
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

console.log(`==> warm-up: browse mix at ${warmupRate}/s for ${warmupSeconds} s on the default API; JIT of the others`);
await attack({
  targets: vegetaTargets(cached.url, paths(1000, warmupRate * warmupSeconds)),
  rate: warmupRate,
  durationSeconds: warmupSeconds,
  workers: 500,
});
for (const t of [before, bare])
  await attack({
    targets: vegetaTargets(t.url, paths(1001, 2000, t === bare ? 'detail' : undefined)),
    rate: 0,
    durationSeconds: 3,
    workers,
  });

interface Sample {
  result: AttackResult;
  hitRate: number | null;
  dbQueriesPerRequest: number | null;
}
const results = new Map<string, Sample[]>();
const measure = async (key: string, target: Started, targetPaths: string[], rate: number) => {
  const hasMetrics = target !== bare;
  const c0 = hasMetrics ? await counters(metricsOf(target)) : undefined;
  const result = await attack({
    targets: vegetaTargets(target.url, targetPaths),
    rate,
    durationSeconds: seconds,
    workers: rate === 0 ? workers : 1000,
  });
  const c1 = hasMetrics ? await counters(metricsOf(target)) : undefined;
  const m = c0 && c1 ? between(c0, c1, result.requests) : { hitRate: null, dbQueriesPerRequest: null };
  const list = results.get(key) ?? [];
  list.push({ result, ...m });
  results.set(key, list);
  console.log(
    `${key}: ${fmt(result.throughput)} req/s ok, p50 ${fmt(result.p50, 1)} p95 ${fmt(result.p95, 1)} p99 ${fmt(result.p99, 1)} ms, ` +
      `success ${fmt(result.success, 4)}, hit rate ${fmt(m.hitRate, 3)}, DB q/req ${fmt(m.dbQueriesPerRequest, 3)}, ` +
      `generator ${fmt(result.generatorCpu, 2)} cores`,
  );
  return result;
};

for (let round = 1; round <= rounds; round++) {
  console.log(`==> round ${round}/${rounds}`);
  const seed = round * 10;
  for (const kind of ['detail', 'list'] as const) {
    const p = paths(seed + (kind === 'list' ? 1 : 0), closedTargets, kind);
    for (const t of [bare, cached, before]) {
      const name = t === bare ? 'bare' : t === cached ? 'default' : 'before';
      await measure(`${kind}/${name}`, t, p, 0);
    }
  }
  const mix = paths(seed + 2, closedTargets);
  const sat = await measure('browse/default', cached, mix, 0);
  await measure('browse/before', before, mix, 0);
  const half = Math.max(1, Math.round(sat.throughput / 2));
  await measure('browse-half/default', cached, paths(seed + 3, half * seconds), half);
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
for (const [kind, label] of [
  ['detail', 'GET /products/:id (Zipf over all products)'],
  ['list', 'GET /products (filters × sorts, Zipf depth)'],
] as const) {
  row(label, 'bare (ceiling)', `${kind}/bare`, `${kind}/bare`);
  row(label, 'default', `${kind}/default`, `${kind}/bare`);
  row(label, 'before', `${kind}/before`, `${kind}/bare`);
}
row('browse mix, saturation', 'default', 'browse/default');
row('browse mix, saturation', 'before', 'browse/before');
row('browse mix, open model at ½ saturation', 'default', 'browse-half/default');

const summary = {
  detailCachedOverCeiling: ratios(rps('detail/default'), rps('detail/bare')),
  listCachedOverCeiling: ratios(rps('list/default'), rps('list/bare')),
  detailCachedOverBefore: ratios(rps('detail/default'), rps('detail/before')),
  listCachedOverBefore: ratios(rps('list/default'), rps('list/before')),
  browseCachedOverBefore: ratios(rps('browse/default'), rps('browse/before')),
};
const halfKey = 'browse-half/default';
const targetsTable = [
  ['cached ÷ ceiling, detail', '≥ 0.9', span(summary.detailCachedOverCeiling)],
  ['cached ÷ ceiling, list', '–', span(summary.listCachedOverCeiling)],
  ['cached ÷ before, browse mix (saturation)', '≥ 15× (seed: 10×)', `${span(summary.browseCachedOverBefore, 1)}×`],
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
- **Warm-up**: the browse mix at ${warmupRate}/s for ${warmupSeconds} s on *default*; 3 s on the others.
- **Rounds**: ${rounds}; in each, every target is measured for ${seconds} s back to back on the same request sequence.
  Throughput is closed loop (${workers} connections as fast as they go: saturation); "½ saturation" is open
  model (constant arrival rate) at half of *default*'s browse throughput of the same round. Figures are medians
  over rounds, ratios the median (min–max) of per-round ratios. Errors are non-2xx or failed requests.
- **Keys**: ${catalogue.products.length} products, ${catalogue.categories.length} categories, ${catalogue.brands.length} brands of the demo data. Browse mix: ${describeBrowseMix()}.

| route | target | req/s | ÷ bare | p50 ms | p95 ms | p99 ms | hit rate | DB queries/request | errors | generator CPU (cores) |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

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
      settings: { seconds, rounds, workers, warmupSeconds, warmupRate, writeSeconds, writeRate },
      catalogue: {
        products: catalogue.products.length,
        categories: catalogue.categories.length,
        brands: catalogue.brands.length,
      },
      measurements: Object.fromEntries(results),
      summary,
      writes,
      browseUnderWrites: { rate: writeBrowseRate, result: load, ...underWrites },
    },
    null,
    2,
  )}\n`,
);
console.log(`written to ${docFile} and ${jsonFile}`);
