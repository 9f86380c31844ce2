import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { parsePolicySpec } from '../crd/index.ts';
import { PrometheusSource } from './prometheus.ts';

// A tiny stand-in that speaks Prometheus' /api/v1/query JSON (a real Prometheus cannot be installed
// here); it answers by the metric name in the query, so each test sets what "Prometheus" holds.
let answers: Record<string, unknown> = {};
let server: Server;
let url = '';
const vector = (...rows: Array<[Record<string, string>, string]>) => ({
  status: 'success',
  data: { resultType: 'vector', result: rows.map(([metric, v]) => ({ metric, value: [0, v] })) },
});

before(async () => {
  server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    const key = Object.keys(answers).find((k) => q.includes(k));
    const body = key ? answers[key] : vector();
    res.writeHead(key === 'fail' ? 500 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const spec = () =>
  parsePolicySpec({
    metrics: { source: 'prometheus', queueSource: 'prometheus', prometheus: { url } },
    api: { hpa: 'a', p95LatencyMs: 50, cpuTarget: { min: 40, max: 80 }, minReplicas: { min: 1, max: 5 } },
  });

test('reads p95 (seconds to ms), rates, hit rates and queue depth', async () => {
  answers = {
    histogram_quantile: vector([{}, '0.042']),
    _count: vector([{}, '120']),
    avelon_db_queries_total: vector([{}, '33']),
    avelon_cache_loads_total: vector([{ class: 'product' }, '0.97']),
    avelon_queue_jobs: vector([{ queue: 'emails' }, '250']),
    avelon_queue_oldest_waiting_seconds: vector([{ queue: 'emails' }, '4']),
  };
  const r = await new PrometheusSource().read({ spec: spec(), app: true, queues: ['emails'] }, Date.now());
  assert.equal(r.p95LatencyMs, 42);
  assert.equal(r.requestsPerSecond, 120);
  assert.equal(r.dbQueriesPerSecond, 33);
  assert.deepEqual(r.cacheHitRates, { product: 0.97 });
  assert.equal(r.queues?.emails?.backlog, 250);
  assert.equal(r.queues?.emails?.oldestWaitSeconds, 4);
});

test('an empty result is missing, never 0 (KEDA reads it as 0)', async () => {
  answers = {};
  const r = await new PrometheusSource().read({ spec: spec(), app: true, queues: ['emails'] }, Date.now());
  assert.equal(r.p95LatencyMs, undefined);
  assert.equal(r.queues?.emails, undefined);
  assert.ok(r.missing.some((m) => m.includes('p95: no series')));
  assert.ok(r.missing.some((m) => m.includes('queue emails: no depth series')));
});

test('NaN (no requests in the window) is idle: no value, not missing', async () => {
  answers = { histogram_quantile: vector([{}, 'NaN']) };
  const r = await new PrometheusSource().read({ spec: spec(), app: true, queues: [] }, Date.now());
  assert.equal(r.p95LatencyMs, undefined);
  assert.ok(!r.missing.some((m) => m.includes('p95')));
});

test('Prometheus down: every metric missing, read does not throw', async () => {
  const s = parsePolicySpec({ metrics: { source: 'prometheus', prometheus: { url: 'http://127.0.0.1:1' } } });
  const r = await new PrometheusSource(500).read({ spec: s, app: true, queues: [] }, Date.now());
  assert.equal(r.missing.length, 4);
});
