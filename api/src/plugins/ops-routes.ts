import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ApiConfig } from '../config.ts';
import { errorBody } from '../errors.ts';
import { applyConnectionTimeout, httpServerOptions } from '../http-timeouts.ts';

// Requests that came in through the ops listener carry this mark (set before Fastify sees them).
const viaOps = Symbol('avelon.viaOps');
type Marked = IncomingMessage & { [viaOps]?: true };

// What only operations may read: the metrics (internals, volumes) and the API's full description.
const opsPath = /^\/(metrics|docs)(\/|\?|$)/;
const healthPath = /^\/health(\/|\?|$)/;

/**
 * With OPS_PORT set, /metrics and /docs answer only on the ops listener and the API only on PORT (404
 * otherwise); health answers on both (probes may use either). Without it, everything is on PORT.
 */
export function guardOpsRoutes(app: FastifyInstance, config: Pick<ApiConfig, 'OPS_PORT'>): void {
  if (config.OPS_PORT === 0) return;
  app.addHook('onRequest', async (request, reply) => {
    const url = request.url;
    if (healthPath.test(url)) return;
    if (opsPath.test(url) === ((request.raw as Marked)[viaOps] === true)) return;
    return reply.code(404).send(errorBody('API_ERR_ROUTE_NOT_FOUND'));
  });
}

/** The ops listener: a second server on OPS_HOST:OPS_PORT handing its requests to the same app. */
export async function listenOps(app: FastifyInstance, config: ApiConfig): Promise<Server> {
  const server = createServer(httpServerOptions(config), (req, res) => {
    (req as Marked)[viaOps] = true;
    app.routing(req, res);
  });
  applyConnectionTimeout(server, config);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.OPS_PORT, config.OPS_HOST, () => resolve());
  });
  return server;
}
