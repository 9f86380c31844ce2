import { metric, metricCatalog } from '@avelon/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Histogram, Registry } from 'prom-client';
import { isOpsRequest } from './ops-routes.ts';

/**
 * Request duration by route template (the ops server serves the registry on /metrics). Histogram
 * children are looked up by a string key instead of prom-client's label hashing, which matters at tens
 * of thousands of requests per second. Nothing is logged per request.
 */
export const metricsPlugin = fp(async (app: FastifyInstance, opts: { registry: Registry }) => {
  const duration = metric(opts.registry, metricCatalog.httpRequestDuration) as Histogram<string>;
  const children = new Map<string, { observe(v: number): void }>();

  app.addHook('onResponse', (request, reply, done) => {
    // /docs through the ops port is not shop traffic.
    if (isOpsRequest(request.raw)) return done();
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${route} ${reply.statusCode}`;
    let child = children.get(key);
    if (child === undefined) {
      child = duration.labels(request.method, route, String(reply.statusCode));
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
});

/**
 * Run before each scrape: sets queries per request over the last scrape interval from the router's
 * query counts (by pool) and the requests the duration histogram counted.
 */
export function queriesPerRequest(registry: Registry): () => Promise<void> {
  const perRequest = metric(registry, metricCatalog.httpDbQueriesPerRequest);
  const total = async (name: string, suffix: string) => {
    const m = registry.getSingleMetric(name);
    if (!m) return 0;
    // A histogram's values are its buckets, sum and count, told apart by metricName.
    const values = (await m.get()).values as Array<{ value: number; metricName?: string }>;
    return values.reduce((sum, v) => ((v.metricName ?? name).endsWith(suffix) ? sum + v.value : sum), 0);
  };
  let lastQueries = 0;
  let lastRequests = 0;
  return async () => {
    const queries = await total(metricCatalog.dbQueries.name, '');
    const requests = await total(metricCatalog.httpRequestDuration.name, '_count');
    const dq = queries - lastQueries;
    const dr = requests - lastRequests;
    if (dr > 0) perRequest.set(dq / dr);
    lastQueries = queries;
    lastRequests = requests;
  };
}
