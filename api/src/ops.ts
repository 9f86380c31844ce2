// What the API adds to the ops server every app runs (core's startOpsServer): its readiness checks,
// its registry with the queries-per-request gauge, and /docs.
import type { OpsServerOptions } from '@avelon/core';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from './deps.ts';
import { queriesPerRequest } from './plugins/metrics.ts';
import { docsOpsRoute } from './plugins/ops-routes.ts';

/**
 * Only the primary is required: without it nothing can be written and most reads fail over to it. A
 * replica out of rotation or a Redis down degrades the API (it answers from the primary, from memory,
 * or with a 503 for what needs that Redis) but keeps it in rotation: taking every pod out for a replica
 * would turn a slower shop into no shop.
 */
export function apiOps(app: FastifyInstance, deps: AppDeps): Omit<OpsServerOptions, 'host' | 'port' | 'logger'> {
  const checks: OpsServerOptions['checks'] = {
    primary: () => deps.db.primary.execute(sql`SELECT 1`),
    'redis-cache': { run: () => deps.cacheRedis.ping(), required: false },
    'redis-queue': {
      run: async () => {
        if (!(await deps.jobs.ping())) throw new Error('unreachable');
      },
      required: false,
    },
  };
  for (const { name } of deps.db.replicaStates) {
    checks[`replica-${name}`] = {
      run: async () => {
        const s = deps.db.replicaStates.find((r) => r.name === name);
        if (!s?.up) throw new Error('down');
        if (!s.inRotation) throw new Error(`out of rotation: ${s.lagMs} ms behind`);
      },
      required: false,
    };
  }
  return {
    registry: deps.registry,
    checks,
    beforeMetrics: queriesPerRequest(deps.registry),
    routes: deps.config.DOCS_ENABLED ? { '/docs/*': docsOpsRoute(app) } : {},
  };
}
