// Prepared statements on the replicas, measured (not part of `make bench`): the product-detail query
// (the text of productDetail in api/src/repositories/products-read.ts: product, brand, categories, latest
// reviews) run one after another on one replica connection, unnamed (parsed and planned every time)
// against named (prepareStatementsOn, as the replica pools send it: planned once per connection).
// Rounds interleave the two modes on two connections of their own; the figures are medians per query.
//
//   source scripts/stack/env.sh && node loadtest/prepared-bench.ts [--queries 2000] [--rounds 5] [--write-doc]
//
// --write-doc replaces the "## Prepared statements on replicas" section of docs/benchmarks.md
// (BENCH_DOC moves it).
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { databaseConfigShape, loadConfig, prepareStatementsOn } from '@avelon/core';
import pg from 'pg';
import { writeSection } from './src/doc-section.ts';
import { fmt, median, span } from './src/stats.ts';

const { values } = parseArgs({
  options: {
    queries: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
    'write-doc': { type: 'boolean', default: false },
  },
});
const queries = Number(values.queries);
const rounds = Number(values.rounds);
const root = fileURLToPath(new URL('..', import.meta.url));
const docFile = process.env.BENCH_DOC ?? join(root, 'docs/benchmarks.md');
const config = loadConfig(databaseConfigShape, process.env);
const replicaUrl = config.DATABASE_REPLICA_URLS[0];
if (!replicaUrl) throw new Error('DATABASE_REPLICA_URLS is empty: the benchmark needs a replica');

const productDetail = `
    SELECT p.id, p.slug, p.title, p.description, p.price_cents, p.discount_percent, p.currency, p.stock,
           p.is_available, p.is_featured, p.images, p.review_count, p.rating_sum, p.created_at, p.updated_at,
           json_build_object('id', b.id, 'slug', b.slug, 'title', b.title) AS brand,
           (SELECT coalesce(json_agg(json_build_object('id', c.id, 'slug', c.slug, 'title', c.title) ORDER BY c.id), '[]')
              FROM product_categories pc JOIN categories c ON c.id = pc.category_id
             WHERE pc.product_id = p.id) AS categories,
           (SELECT coalesce(json_agg(json_build_object('id', r.id, 'rating', r.rating, 'body', r.body,
                                                       'author', r.author, 'createdAt', r.created_at)
                                     ORDER BY r.created_at DESC, r.id DESC), '[]')
              FROM (SELECT r.id, r.rating, r.body, u.name AS author, r.created_at
                      FROM reviews r JOIN users u ON u.id = r.user_id
                     WHERE r.product_id = p.id
                     ORDER BY r.created_at DESC, r.id DESC LIMIT 10) r) AS latest_reviews
    FROM products p JOIN brands b ON b.id = p.brand_id
    WHERE p.id = $1`;

const connect = async (prepared: boolean) => {
  const client = new pg.Client({ connectionString: replicaUrl, application_name: 'avelon-prepared-bench' });
  await client.connect();
  if (prepared) prepareStatementsOn(client);
  return client;
};
const unnamed = await connect(false);
const named = await connect(true);

const load = loadavg()[0] ?? Number.NaN;
const { rows: countRows } = await unnamed.query<{ n: number }>('SELECT count(*)::int AS n FROM products');
const products = countRows[0]?.n ?? 0;
const { rows: idRows } = await unnamed.query<{ id: number }>('SELECT id FROM products ORDER BY id LIMIT 500');
const ids = idRows.map((r) => r.id);
if (ids.length === 0) throw new Error('no products on the replica: load the demo data (make up) first');

/** Median µs per query over `queries` sequential queries, ids cycling. */
async function measure(client: pg.Client): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < queries; i++) {
    const started = process.hrtime.bigint();
    await client.query(productDetail, [ids[i % ids.length]]);
    times.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return median(times);
}

// What the server spends per query on planning and on execution (EXPLAIN ANALYZE, unnamed).
const planning: number[] = [];
const execution: number[] = [];
for (const id of ids.slice(0, 50)) {
  const { rows } = await unnamed.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${productDetail}`, [id]);
  const plan = (rows[0] as { 'QUERY PLAN': Array<{ 'Planning Time': number; 'Execution Time': number }> })[
    'QUERY PLAN'
  ][0];
  planning.push(plan?.['Planning Time'] ?? Number.NaN);
  execution.push(plan?.['Execution Time'] ?? Number.NaN);
}

// Warm-up: caches, JIT of the client path, and the named statement prepared.
await measure(unnamed);
await measure(named);
const unnamedUs: number[] = [];
const namedUs: number[] = [];
for (let round = 1; round <= rounds; round++) {
  // Alternate which mode goes first, so a drift of the machine's load does not favour one.
  const order = round % 2 ? ([unnamed, named] as const) : ([named, unnamed] as const);
  const results = new Map<pg.Client, number>();
  for (const client of order) results.set(client, await measure(client));
  unnamedUs.push(results.get(unnamed) as number);
  namedUs.push(results.get(named) as number);
  console.log(
    `round ${round}: unnamed ${fmt(unnamedUs.at(-1))} µs, named ${fmt(namedUs.at(-1))} µs per query (median)`,
  );
}
await Promise.all([unnamed.end(), named.end()]);

const speedups = unnamedUs.map((u, i) => u / (namedUs[i] as number));
const summary = {
  queries,
  rounds,
  products,
  load,
  planningMs: median(planning),
  executionMs: median(execution),
  unnamedUs: median(unnamedUs),
  namedUs: median(namedUs),
  speedup: median(speedups),
};
console.log(JSON.stringify(summary));

if (values['write-doc']) {
  const section = `## Prepared statements on replicas

\`node loadtest/prepared-bench.ts --queries ${queries} --rounds ${rounds} --write-doc\` (stack from \`scripts/stack/up.sh\`,
environment from \`scripts/stack/env.sh\`; not part of \`make bench\`) runs the product-detail query (product, brand,
categories, latest reviews; ${ids.length} of the ${products} products in turn) ${queries} times in a row on one replica
connection unnamed and on another named (\`prepareStatementsOn\`, what the replica pools do with
\`DATABASE_REPLICA_PREPARED=true\`), ${rounds} interleaved rounds, load average ${fmt(load, 1)} on
${availableParallelism()} cores at the start. EXPLAIN ANALYZE (median of 50): planning ${fmt(summary.planningMs, 2)} ms,
execution ${fmt(summary.executionMs, 2)} ms. Per query, median of the rounds (range): unnamed ${span(unnamedUs, 0)} µs,
named ${span(namedUs, 0)} µs: named is ${span(speedups, 2)}× as fast. Unnamed, every query is parsed, analysed and
planned again; named, it is only bound and executed (after five executions Postgres keeps a generic plan when it
costs no more than the custom ones). The primary stays unnamed: PgBouncer 1.18 in transaction mode cannot keep a
name between queries.
`;
  writeSection(docFile, 'Prepared statements on replicas', section);
  console.log(`wrote the "Prepared statements on replicas" section of ${docFile}`);
}
