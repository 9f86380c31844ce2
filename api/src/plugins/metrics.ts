import { metric, metricCatalog } from '@avelon/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Histogram, Registry } from 'prom-client';

/**
 * Request duration by route template, and GET /metrics. Histogram children are looked up by a
 * string key instead of prom-client's label hashing, which matters at tens of thousands of requests
 * per second. Nothing is logged per request.
 */
export const metricsPlugin = fp(async (app: FastifyInstance, opts: { registry: Registry }) => {
  const { registry } = opts;
  const duration = metric(registry, metricCatalog.httpRequestDuration) as Histogram<string>;
  const perRequest = metric(registry, metricCatalog.httpDbQueriesPerRequest);
  const children = new Map<string, { observe(v: number): void }>();
  let requests = 0;

  app.addHook('onResponse', (request, reply, done) => {
    requests++;
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

  // Queries per request over the last scrape interval: the router counts queries by pool, we count requests.
  let lastQueries = 0;
  let lastRequests = 0;
  const sumQueries = async () => {
    const m = registry.getSingleMetric(metricCatalog.dbQueries.name);
    if (!m) return 0;
    return (await m.get()).values.reduce((sum, v) => sum + v.value, 0);
  };

  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) => {
    const queries = await sumQueries();
    const dq = queries - lastQueries;
    const dr = requests - lastRequests;
    if (dr > 0) perRequest.set(dq / dr);
    lastQueries = queries;
    lastRequests = requests;
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
});
