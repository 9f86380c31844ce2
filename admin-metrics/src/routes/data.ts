import type { FastifyInstance } from 'fastify';
import type { DashboardConfig } from '../config.ts';
import { DashboardError } from '../errors.ts';
import { type Live, type RangeName, ranges } from '../live.ts';
import { requireSession } from './auth.ts';

/** The read-only data routes, every one behind the session guard. */
export async function dataRoutes(app: FastifyInstance, o: { config: DashboardConfig; live: Live }) {
  app.addHook('onRequest', requireSession(o.config));

  app.get<{ Querystring: { range?: string } }>('/api/overview', async (request) => {
    const range = (request.query.range ?? '5m') as RangeName;
    if (!(range in ranges))
      throw new DashboardError('ADMIN_ERR_BAD_REQUEST', `range must be one of ${Object.keys(ranges).join(', ')}`);
    return o.live.overview(range);
  });

  // Server-sent events: one `tick` per reading, with new decisions and source states.
  app.get('/api/live', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${o.live.intervalMs}\n\n`);
    const unsubscribe = o.live.subscribe((u) => res.write(`event: tick\ndata: ${JSON.stringify(u)}\n\n`));
    // A comment now and then keeps proxies from closing an idle stream.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    request.raw.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  });
}
