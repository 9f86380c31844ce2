import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ScrapeCollector } from './scrape.ts';
import { staticTargets } from './targets.ts';

// An API's /metrics whose counters grow by a known amount per scrape: 10 requests (2 of them 404,
// p95 in the 10-25 ms bucket), 10 L1 lookups of which 8 hit, 2 loads from the database.
let scrapes = 0;
const text = (n: number) => `
avelon_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/api/v1/products/:id",status_code="200"} ${4 * n}
avelon_http_request_duration_seconds_bucket{le="0.025",method="GET",route="/api/v1/products/:id",status_code="200"} ${8 * n}
avelon_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/products/:id",status_code="200"} ${8 * n}
avelon_http_request_duration_seconds_count{method="GET",route="/api/v1/products/:id",status_code="200"} ${8 * n}
avelon_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/api/v1/products/:id",status_code="404"} ${2 * n}
avelon_http_request_duration_seconds_bucket{le="0.025",method="GET",route="/api/v1/products/:id",status_code="404"} ${2 * n}
avelon_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/products/:id",status_code="404"} ${2 * n}
avelon_http_request_duration_seconds_count{method="GET",route="/api/v1/products/:id",status_code="404"} ${2 * n}
avelon_http_request_duration_seconds_count{method="GET",route="/metrics",status_code="200"} ${100 * n}
avelon_cache_lookups_total{class="product",tier="l1",result="hit"} ${8 * n}
avelon_cache_lookups_total{class="product",tier="l1",result="miss"} ${2 * n}
avelon_cache_loads_total{class="product",outcome="found"} ${2 * n}
avelon_cache_ttl_seconds{class="product"} 600
`;
let server: Server;
let url = '';
before(async () => {
  server = createServer((_q, res) => res.end(text(++scrapes)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
after(() => server.close());

test('rates, shares, quantiles and gauges over one interval; a dead role is unreachable, not zero', async () => {
  const c = new ScrapeCollector(
    staticTargets({ api: [url], worker: ['http://127.0.0.1:1/metrics'], operator: [] }),
    1000,
  );
  const first = await c.tick(1_000_000);
  assert.equal(first.values['requests/rps/all routes'], undefined, 'no rate from one scrape');
  assert.equal(first.values['ttl/ttl/product'], 600, 'gauges at once');
  const t = await c.tick(1_002_000);
  const v = t.values;
  assert.equal(v['requests/rps/all routes'], 5, '10 shop requests in 2 s; scrapes of /metrics left out');
  assert.equal(v['errors/errors-4xx/client errors (4xx)'], 0.2);
  assert.equal(v['errors/errors-5xx/server errors (5xx)'], 0, 'a real zero: requests, none failed');
  assert.equal(v['hit-rate/hit-overall/all classes'], 0.8);
  assert.equal(v['hit-tier/hit-tier/l1'], 0.8);
  const p95 = v['latency/latency-p95/p95'] as number;
  assert.ok(p95 > 0.01 && p95 <= 0.025, `p95 ${p95} in the 10-25 ms bucket`);
  assert.equal(v['replicas/instances-api/API instances'], 1);
  assert.ok(!Object.keys(v).some((k) => k.startsWith('jobs-rate/')), 'no worker values at all');
  const states = Object.fromEntries(t.sources.map((s) => [s.role, s.state]));
  assert.deepEqual(states, { api: 'up', worker: 'unreachable', operator: 'unconfigured' });
});
