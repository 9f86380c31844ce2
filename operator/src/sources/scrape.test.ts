import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { parsePolicySpec } from '../crd/index.ts';
import { ScrapeSource } from './scrape.ts';

// An in-process /metrics endpoint whose counters the test moves between scrapes.
let fast = 0;
let slow = 0;
let lookups = 0;
let loads = 0;
let server: Server;
let url = '';

const exposition = () => `# TYPE avelon_http_request_duration_seconds histogram
avelon_http_request_duration_seconds_bucket{le="0.01",route="/p"} ${fast}
avelon_http_request_duration_seconds_bucket{le="0.5",route="/p"} ${fast + slow}
avelon_http_request_duration_seconds_bucket{le="+Inf",route="/p"} ${fast + slow}
avelon_cache_lookups_total{class="product",tier="l1",result="miss"} ${lookups}
avelon_cache_loads_total{class="product",outcome="found"} ${loads}
avelon_db_queries_total{role="replica",pool="r0"} ${loads}
`;

before(async () => {
  server = createServer((_req, res) => res.end(exposition()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
after(() => server.close());

const spec = (urls: string[]) => parsePolicySpec({ metrics: { scrape: { api: { urls } }, windowSeconds: 30 } });
const staticUrls = async (_role: 'api' | 'worker', t: { urls?: string[] }) => t.urls ?? [];

test('p95 and rates come from the increase over the window, not the lifetime', async () => {
  const source = new ScrapeSource(staticUrls);
  const s = spec([url]);
  fast = 10_000; // a long fast history
  const first = await source.read({ spec: s, app: true, queues: [] }, 1_000_000);
  assert.equal(first.p95LatencyMs, undefined, 'one scrape is no window yet');
  assert.deepEqual(first.missing, []);
  fast += 50;
  slow += 50; // then half the requests turn slow
  lookups = 100;
  loads = 40;
  const r = await source.read({ spec: s, app: true, queues: [] }, 1_010_000);
  assert.ok((r.p95LatencyMs ?? 0) > 400, `p95 ${r.p95LatencyMs}`);
  assert.equal(r.requestsPerSecond, 10);
  assert.equal(r.dbQueriesPerSecond, 4);
  assert.deepEqual(r.cacheHitRates, { product: 0.6 });
});

test('a target that does not answer makes the metrics missing, never zero', async () => {
  const r = await new ScrapeSource(staticUrls, 300).read(
    { spec: spec(['http://127.0.0.1:1/metrics']), app: true, queues: [] },
    1,
  );
  assert.equal(r.p95LatencyMs, undefined);
  assert.match(r.missing.join(), /none of 1 api target/);
});

test('no targets found (e.g. no ready endpoints) is missing too', async () => {
  const r = await new ScrapeSource(staticUrls).read({ spec: spec([]), app: true, queues: ['emails'] }, 1);
  assert.match(r.missing.join(), /no api targets found/);
  assert.match(r.missing.join(), /no worker target/);
  assert.equal(r.queues?.emails, undefined);
});
