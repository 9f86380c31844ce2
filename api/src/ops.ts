// What the API adds to the ops server every app runs (core's startOpsServer): its readiness checks,
// its registry with the queries-per-request gauge, and /docs.
import type { OpsServerOptions } from '@avelon/core';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { queriesPerRequest } from './plugins/metrics.ts';
import { docsOpsRoute } from './plugins/ops-routes.ts';

/**
 * Only the primary is required: without it nothing can be written and most reads fail over to it. A
 * replica out of rotation or a Redis down degrades the API (it answers from the primary, from memory,
 * or with a 503 for what needs that Redis) but keeps it in rotation: taking every pod out for a replica
 * would turn a slower shop into no shop.
 */
export function apiOps(app: FastifyInstance): Omit<OpsServerOptions, 'host' | 'port' | 'logger'> {
  const checks: OpsServerOptions['checks'] = {
    primary: () => app.db.primary.execute(sql`SELECT 1`),
    'redis-cache': { run: () => app.cacheRedis.ping(), required: false },
    'redis-queue': {
      run: async () => {
        if (!(await app.jobs.ping())) throw new Error('unreachable');
      },
      required: false,
    },
  };
  for (const { name } of app.db.replicaStates) {
    checks[`replica-${name}`] = {
      run: async () => {
        const s = app.db.replicaStates.find((r) => r.name === name);
        if (!s?.up) throw new Error('down');
        if (!s.inRotation) throw new Error(`out of rotation: ${s.lagMs} ms behind`);
      },
      required: false,
    };
  }
  return {
    registry: app.registry,
    checks,
    beforeMetrics: queriesPerRequest(app.registry),
    routes: app.config.DOCS_ENABLED ? { '/docs/*': docsOpsRoute(app) } : {},
  };
}
