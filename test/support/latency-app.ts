// A small real HTTP process for the operator tests: GET /work answers after DELAY_MS (changeable at run
// time with POST /delay?ms=N) and records its duration in the catalog's request-duration histogram,
// served on /metrics exactly as the API serves it. Stands in for the API where a test only needs "some
// API with metrics" or a chosen cache-miss ratio (leader.test.ts, ttl.test.ts); the operator scrapes it
// like any API pod. The scaling and outage tests use the real API instead.
import { createServer } from 'node:http';
import { metric, metricCatalog } from '@avelon/core';
import { Registry } from 'prom-client';

const registry = new Registry();
const duration = metric(registry, metricCatalog.httpRequestDuration);
const lookups = metric(registry, metricCatalog.cacheLookups);
const loads = metric(registry, metricCatalog.cacheLoads);
const dbQueries = metric(registry, metricCatalog.dbQueries);
let delayMs = Number(process.env.DELAY_MS ?? 0);
// Cache behaviour to report: the share of lookups that miss (and load from the database).
let missRatio = Number(process.env.MISS_RATIO ?? 0);

// Every series present from the start, as a real API exports them, so windows have a baseline.
lookups.inc({ class: 'product', tier: 'l1', result: 'hit' }, 0);
loads.inc({ class: 'product', outcome: 'found' }, 0);
dbQueries.inc({ role: 'replica', pool: 'r0' }, 0);

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/metrics') {
    res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
  } else if (url.pathname === '/delay' && req.method === 'POST') {
    delayMs = Number(url.searchParams.get('ms') ?? 0);
    missRatio = Number(url.searchParams.get('miss') ?? missRatio);
    res.end('ok');
  } else if (url.pathname === '/work') {
    const end = duration.startTimer({ method: 'GET', route: '/work' });
    const miss = Math.random() < missRatio;
    lookups.inc({ class: 'product', tier: 'l1', result: miss ? 'miss' : 'hit' });
    if (miss) {
      loads.inc({ class: 'product', outcome: 'found' });
      dbQueries.inc({ role: 'replica', pool: 'r0' });
    }
    await new Promise((r) => setTimeout(r, delayMs));
    res.end('done');
    end({ status_code: '200' });
  } else res.writeHead(404).end();
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
