import { Type } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';
import type { App, RouteContext } from '../context.ts';

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('down')]),
  degraded: Type.Array(Type.String(), { description: 'The dependencies that are down; the API still answers.' }),
  checks: Type.Object({
    primary: Check,
    replicas: Type.Array(
      Type.Object({ name: Type.String(), up: Type.Boolean(), inRotation: Type.Boolean(), lagMs: Type.Number() }),
    ),
    redisCache: Check,
    redisQueue: Check,
  }),
});

/** Liveness (the process answers) and readiness (what is up, what is degraded), outside /api/v1. */
export async function healthRoutes(app: App, { deps }: RouteContext): Promise<void> {
  const off = { rateLimit: false as const, otel: false };
  app.get(
    '/health/live',
    { config: off, schema: { tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    { config: off, schema: { tags: ['health'], response: { 200: Ready, 503: Ready } } },
    async (_request, reply) => {
      type CheckResult = { ok: boolean; detail?: string };
      const timeout = (p: Promise<CheckResult>, fallback: CheckResult) =>
        Promise.race([p, new Promise<CheckResult>((r) => setTimeout(() => r(fallback), 1000).unref())]);
      const [primary, redisCache, redisQueue] = await Promise.all([
        timeout(
          deps.db.primary.execute(sql`SELECT 1`).then(
            () => ({ ok: true }),
            (e: Error) => ({ ok: false, detail: e.message }),
          ),
          { ok: false, detail: 'timeout' },
        ),
        timeout(
          deps.cacheRedis.ping().then(
            () => ({ ok: true }),
            (e: Error) => ({ ok: false, detail: e.message }),
          ),
          { ok: false, detail: 'timeout' },
        ),
        timeout(
          deps.jobs.ping().then((ok) => ({ ok })),
          { ok: false, detail: 'timeout' },
        ),
      ]);
      const replicas = deps.db.replicaStates.map((s) => ({
        name: s.name,
        up: s.up,
        inRotation: s.inRotation,
        lagMs: s.lagMs,
      }));
      const degraded = [
        ...replicas.filter((r) => !r.inRotation).map((r) => `replica ${r.name}`),
        ...(redisCache.ok ? [] : ['redis-cache']),
        ...(redisQueue.ok ? [] : ['redis-queue']),
      ];
      // Without the primary nothing can be written and most reads fail over to it: not ready.
      const status = !primary.ok ? 'down' : degraded.length ? 'degraded' : 'ok';
      return reply.code(primary.ok ? 200 : 503).send({
        status,
        degraded: primary.ok ? degraded : ['primary', ...degraded],
        checks: { primary, replicas, redisCache, redisQueue },
      });
    },
  );
}
