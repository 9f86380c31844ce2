// The rate limiter's cost on a cached read, in one short run (about a minute of load): cached product
// detail on the API with the limiter on (its limit out of reach) and off, against the bare-Fastify ceiling
// (loadtest/bare-fastify.ts) answering the same body. Closed loop (BENCH_WORKERS connections), rounds
// interleaved; prints throughput ratios per round and their median. Runs against the stack of
// scripts/stack/env.sh, which must be up and hold some products:
//   source scripts/stack/env.sh && node loadtest/rate-limit-bench.ts
// The full API benchmark (make bench) measures the default install the same way, among everything else.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vegetaTargets } from './src/browse-targets.ts';
import { startServer } from './src/processes.ts';
import { fmt, median, ratios, span } from './src/stats.ts';
import { attack } from './src/vegeta.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const seconds = env('BENCH_DURATION', 5);
const rounds = env('BENCH_ROUNDS', 3);
const workers = env('BENCH_WORKERS', 50);

const api = { LOG_LEVEL: 'info', DOCS_ENABLED: 'false', RATE_LIMIT_GENERAL_MAX: '1000000000' };
const [on, off] = await Promise.all([
  startServer('api (limiter on)', 'api/src/main.ts', { ...api, INSTANCE_ID: 'rl-bench-on' }, root, { ops: true }),
  startServer(
    'api (limiter off)',
    'api/src/main.ts',
    { ...api, RATE_LIMIT_ENABLED: 'false', INSTANCE_ID: 'rl-bench-off' },
    root,
    { ops: true },
  ),
]);
// A hot set of products: every request of the measurement is a cache hit.
const list = (await (await fetch(`${on.url}/api/v1/products?limit=50`)).json()) as { data: { id: number }[] };
const paths = list.data.map((p) => `/api/v1/products/${p.id}`);
if (paths.length === 0) throw new Error('no products on this stack');
const samplesFile = join(tmpdir(), `avelon-rl-bench-${process.pid}.json`);
const detail = await (await fetch(`${on.url}${paths[0]}`)).json();
writeFileSync(samplesFile, JSON.stringify({ detail, list }));
const bare = await startServer('bare fastify', 'loadtest/bare-fastify.ts', { SAMPLES_FILE: samplesFile }, root);

const targets = { bare, on, off };
const throughput: Record<keyof typeof targets, number[]> = { bare: [], on: [], off: [] };
const many = Array.from({ length: 200 }, (_, i) => paths[i % paths.length] as string);
// Warm-up: fills both caches and JIT-compiles the three servers.
for (const t of Object.values(targets))
  await attack({ targets: vegetaTargets(t.url, many), rate: 0, durationSeconds: 2, workers });
for (let round = 1; round <= rounds; round++) {
  for (const [name, t] of Object.entries(targets) as [keyof typeof targets, (typeof targets)['on']][]) {
    const r = await attack({ targets: vegetaTargets(t.url, many), rate: 0, durationSeconds: seconds, workers });
    if (r.success < 0.999) throw new Error(`${name}: success ${r.success} (${JSON.stringify(r.statusCodes)})`);
    throughput[name].push(r.throughput);
    console.log(`round ${round} ${name}: ${fmt(r.throughput)} req/s, p50 ${fmt(r.p50, 2)} ms`);
  }
}
const line = (label: string, xs: number[]) =>
  console.log(`${label}: ${span(xs)}  per round ${xs.map((x) => fmt(x, 2))}`);
line('limiter on / bare ceiling', ratios(throughput.on, throughput.bare));
line('limiter off / bare ceiling', ratios(throughput.off, throughput.bare));
line('limiter on / limiter off', ratios(throughput.on, throughput.off));
console.log(
  `medians req/s: bare ${fmt(median(throughput.bare))}, on ${fmt(median(throughput.on))}, off ${fmt(median(throughput.off))}`,
);
process.exit(0);
