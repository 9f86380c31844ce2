// Every route of the API with its JSON schemas, as the app registers them: an onRoute hook put on each
// Fastify instance the moment it is created (Fastify publishes `fastify.initialization` on
// diagnostics_channel), so routes that the OpenAPI document hides (/docs, /metrics) are found too,
// and a new route is fuzzed without a change to the tests.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { JsonSchema } from './schema-arbitraries.ts';

/** One method of one route, with the parts of the request its schema describes. */
export interface FuzzRoute {
  method: string;
  /** Fastify's pattern, e.g. `/api/v1/products/:id` or `/docs/*`. */
  url: string;
  params?: JsonSchema;
  querystring?: JsonSchema;
  headers?: JsonSchema;
  body?: JsonSchema;
  /** Behind a bearer token (the route documents a security requirement). */
  secured: boolean;
}

/**
 * Runs `build` (which creates and fills a Fastify app) and returns every route it registered, one
 * entry per method, sorted. Whatever `build` returns is passed through.
 */
export async function captureRoutes<T>(build: () => Promise<T>): Promise<{ result: T; routes: FuzzRoute[] }> {
  const routes = new Map<string, FuzzRoute>();
  const onRoute = (route: RouteOptions) => {
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    for (const method of [route.method].flat()) {
      routes.set(`${method} ${route.url}`, {
        method,
        url: route.url,
        params: schema.params as JsonSchema | undefined,
        querystring: (schema.querystring ?? schema.query) as JsonSchema | undefined,
        headers: schema.headers as JsonSchema | undefined,
        body: schema.body as JsonSchema | undefined,
        secured: Array.isArray(schema.security) && schema.security.length > 0,
      });
    }
  };
  const onInit = (message: unknown) => {
    (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', onRoute);
  };
  subscribe('fastify.initialization', onInit);
  try {
    const result = await build();
    const sorted = [...routes.values()].sort((a, b) => `${a.url} ${a.method}`.localeCompare(`${b.url} ${b.method}`));
    return { result, routes: sorted };
  } finally {
    unsubscribe('fastify.initialization', onInit);
  }
}
