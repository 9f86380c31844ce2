// The API benchmark (`make bench` → scripts/bench/api.sh). In one run, against the same stack and with
// the same load generator (autocannon, in this process): cached GET /products/:id and GET /products of
// the API versus a bare Fastify route with bodies of the same size (the ceiling), versus the same API
// with its cache off, and with the Redis rate limiter on. Reports req/s, latencies, the ratios and the
// database queries per request, and writes them into the "## API" section of docs/benchmarks.md.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Result {
  requests: { average: number };
  latency: { p50: number; p97_5: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<Result>;
// autocannon ships no types: loaded with require and typed by the two shapes above.
const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as Autocannon;

const root = fileURLToPath(new URL('..', import.meta.url));
// Short measurements, many rounds, targets back to back within a round: on a shared machine the load of
// other processes drifts, and a ratio of two neighbouring measurements suffers least from it.
const seconds = Number(process.env.BENCH_DURATION ?? 4);
const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const docFile = process.env.BENCH_DOC ?? join(root, 'docs/benchmarks.md');

// Children die with the orchestrator, also when it fails half-way.
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
});

async function start(
  name: string,
  script: string,
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${out}`)));
  });
  return { url, child };
}

async function dbQueries(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('avelon_db_queries_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

async function load(url: string, paths: string[], duration: number): Promise<Result> {
  return autocannon({ url, connections, duration, requests: paths.map((path) => ({ method: 'GET', path })) });
}

// info: the start-up lines say where it listens; nothing is logged per request.
const api = { LOG_LEVEL: 'info', RATE_LIMIT_ENABLED: 'false', DOCS_ENABLED: 'false' };
const [cached, uncached, limited] = await Promise.all([
  start('api (cached)', 'api/src/server.ts', { ...api, INSTANCE_ID: 'bench-cached' }),
  start('api (cache off)', 'api/src/server.ts', { ...api, CACHE_ENABLED: 'false', INSTANCE_ID: 'bench-nocache' }),
  start('api (cached + rate limiter)', 'api/src/server.ts', {
    ...api,
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_GENERAL_MAX: '1000000000',
    INSTANCE_ID: 'bench-limited',
  }),
]);

// 200 products and 10 list pages, each request of a connection the next of the sequence: a spread of
// keys (not one hot id), all of them cached after the warm-up.
const firstPage = (await (await fetch(`${cached.url}/api/v1/products?limit=100&sort=newest`)).json()) as {
  data: Array<{ id: number }>;
  meta: { nextCursor: string };
};
const second = (await (
  await fetch(`${cached.url}/api/v1/products?limit=100&sort=newest&cursor=${firstPage.meta.nextCursor}`)
).json()) as {
  data: Array<{ id: number }>;
};
const ids = [...firstPage.data, ...second.data].map((p) => p.id);
const detailPaths = ids.map((id) => `/api/v1/products/${id}`);
const listPaths = ['featured', 'price_asc', 'price_desc', 'newest'].flatMap((sort) =>
  [1, 2].map((page) => `/api/v1/products?sort=${sort}&page=${page}&limit=20`),
);
listPaths.push('/api/v1/products?limit=20&isAvailable=true', '/api/v1/products?limit=20&minPrice=1000&maxPrice=50000');

const samplesFile = join(tmpdir(), `avelon-bench-samples-${process.pid}.json`);
writeFileSync(
  samplesFile,
  JSON.stringify({
    detail: await (await fetch(`${cached.url}${detailPaths[0]}`)).json(),
    list: await (await fetch(`${cached.url}${listPaths[0]}`)).json(),
  }),
);
const bare = await start('bare fastify', 'loadtest/bare-fastify.ts', { SAMPLES_FILE: samplesFile });

const targets = [
  { key: 'bare', url: bare.url },
  { key: 'cached', url: cached.url },
  { key: 'limited', url: limited.url },
  { key: 'uncached', url: uncached.url },
] as const;
const routes = [
  { key: 'detail', label: 'GET /products/:id', paths: detailPaths },
  { key: 'list', label: 'GET /products', paths: listPaths },
] as const;

type Row = { rps: number[]; p50: number[]; p99: number[]; errors: number; queriesPerRequest: number[] };
const rows = new Map<string, Row>();
for (const t of targets)
  for (const r of routes)
    rows.set(`${t.key}/${r.key}`, { rps: [], p50: [], p99: [], errors: 0, queriesPerRequest: [] });

// Warm every cache (and the JIT) before measuring.
for (const t of targets) for (const r of routes) await load(t.url, r.paths, 2);

for (let round = 1; round <= rounds; round++) {
  for (const r of routes) {
    for (const t of targets) {
      const before = t.key === 'bare' ? 0 : await dbQueries(t.url);
      const result = await load(t.url, r.paths, seconds);
      const after = t.key === 'bare' ? 0 : await dbQueries(t.url);
      const row = rows.get(`${t.key}/${r.key}`) as Row;
      row.rps.push(result.requests.average);
      row.p50.push(result.latency.p50);
      row.p99.push(result.latency.p99);
      row.errors += result.errors + result.non2xx;
      row.queriesPerRequest.push((after - before) / (result.requests.average * seconds));
      console.log(
        `round ${round} ${r.label} ${t.key}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms`,
      );
    }
  }
}

for (const p of [bare, cached, uncached, limited]) {
  p.child.kill('SIGTERM');
  await once(p.child, 'exit');
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
/** Per round: this target's req/s ÷ the other one's, measured seconds apart. */
const ratios = (a: number[], b: number[]) => a.map((x, i) => x / (b[i] as number));
const span = (xs: number[]) => `${fmt(median(xs), 2)} (${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)})`;
const fmt = (n: number, digits = 0) => n.toFixed(digits);
const lines: string[] = [];
const row = (k: string) => rows.get(k) as Row;
for (const r of routes) {
  const bareRps = row(`bare/${r.key}`).rps;
  for (const t of targets) {
    const x = row(`${t.key}/${r.key}`);
    const qpr = t.key === 'bare' ? '–' : fmt(mean(x.queriesPerRequest), 3);
    lines.push(
      `| ${r.label} | ${t.key} | ${fmt(median(x.rps))} | ${span(ratios(x.rps, bareRps))} | ${fmt(mean(x.p50), 1)} | ${fmt(mean(x.p99), 1)} | ${qpr} | ${x.errors} |`,
    );
  }
  const perRound = ratios(row(`cached/${r.key}`).rps, row(`uncached/${r.key}`).rps);
  lines.push(
    `| ${r.label} | **cached ÷ cache off** | | **${fmt(median(perRound), 1)}×** (${fmt(Math.min(...perRound), 1)}–${fmt(Math.max(...perRound), 1)}) | | | | |`,
  );
}

const command = 'make bench  # or: bash scripts/bench/api.sh';
const section = `## API

Command: \`${command}\` (loadtest/api-bench.ts; autocannon ${connections} connections, ${seconds} s per
measurement after a 2 s warm-up, ${rounds} rounds; in each round the four targets are measured back to back;
req/s is the median over rounds, "÷ bare" the median (min–max) of the per-round ratios; the API runs as \`node
api/src/server.ts\` with its demo-data stack, the bare server is loadtest/bare-fastify.ts answering JSON
objects of the same size). Keys are spread: 200 product ids and 10 list queries, all cached after the
warm-up. Targets: **bare** = bare Fastify (the ceiling); **cached** = the API, rate limiter off;
**limited** = the API with the Redis rate limiter on (limit raised out of reach, so every request pays the
Redis round trip); **uncached** = the API with \`CACHE_ENABLED=false\` (replica reads every request).
Load average of the machine at the end: ${loadavg()
  .map((l) => l.toFixed(1))
  .join(', ')}. Run on ${new Date().toISOString().slice(0, 10)},
Node ${process.version}, 2 shared cores (absolute numbers drift; compare ratios).

| route | target | req/s | ÷ bare | p50 ms (mean) | p99 ms (mean) | DB queries/request | errors |
|---|---|---|---|---|---|---|---|
${lines.join('\n')}
`;
console.log(`\n${section}`);

let doc = '';
try {
  doc = readFileSync(docFile, 'utf8');
} catch {
  doc = '# Benchmarks\n\nResults of `make bench`, one section per benchmark.\n';
}
// Replace only the "## API" section (up to the next "## " heading); other sections are other teams'.
const at = doc.indexOf('\n## API\n');
if (at >= 0) {
  const next = doc.indexOf('\n## ', at + 1);
  doc = `${doc.slice(0, at + 1)}${section}${next >= 0 ? doc.slice(next) : ''}`;
} else {
  doc = `${doc.trimEnd()}\n\n${section}`;
}
writeFileSync(docFile, doc);
console.log(`written to ${docFile}`);
