// The API's route table as Fastify builds it, for tests that must cover every route, including ones
// added later: an onRoute hook is put on the instance as soon as it exists (Fastify publishes each new
// instance on the `fastify.initialization` diagnostics channel), before any plugin registers a route.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { startApp, type TestApp } from './api.ts';

/** One method of one registered route; `url` is the full pattern, prefix included (e.g. `/api/v1/orders/:id`). */
export interface RouteEntry {
  method: string;
  url: string;
}

/** startApp, and every route the app registered while starting. */
export async function startAppWithRoutes(
  env: Record<string, string> = {},
): Promise<TestApp & { routes: RouteEntry[] }> {
  const routes: RouteEntry[] = [];
  const onInstance = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    fastify.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
  };
  subscribe('fastify.initialization', onInstance);
  try {
    const t = await startApp(env);
    return Object.assign(t, { routes });
  } finally {
    unsubscribe('fastify.initialization', onInstance);
  }
}

/**
 * The route's URL with a real id in each parameter: the id of the resource named just before it
 * (`/brands/:id` takes ids.brands), else `fallback`. With real ids, a route missing a guard would act.
 */
export function fillParams(url: string, ids: Record<string, number>, fallback = 1): string {
  return url.replace(/\/([a-z-]+)\/:\w+/g, (_, resource: string) => `/${resource}/${ids[resource] ?? fallback}`);
}

/** `METHOD /url`, HEAD counted as the GET it mirrors. */
export const routeKey = (r: RouteEntry): string => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`;
