import type { IncomingMessage } from 'node:http';
import type { OpsRoute } from '@avelon/core';
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.ts';

// Requests the ops server hands to Fastify carry this mark (set before Fastify sees them).
const viaOps = Symbol('avelon.viaOps');
type Marked = IncomingMessage & { [viaOps]?: true };

// The API's full description is for operations only, like the metrics: the ops server hands it over.
const opsPath = /^\/docs(\/|\?|$)/;

/** Whether a request came in through the ops server (not a shop request: kept out of the request metrics). */
export const isOpsRequest = (raw: IncomingMessage): boolean => (raw as Marked)[viaOps] === true;

/**
 * /docs answers only through the ops server and the API only on PORT (404 otherwise), so neither
 * port serves what belongs on the other.
 */
export function guardOpsRoutes(app: FastifyInstance): void {
  // Callback style: on every request, and an async hook costs a promise each time.
  app.addHook('onRequest', (request, reply, done) => {
    if (opsPath.test(request.url) === isOpsRequest(request.raw)) return done();
    // Answering from a callback hook: send, and do not call done().
    reply.code(404).send(errorBody('API_ERR_ROUTE_NOT_FOUND'));
  });
}

/** The ops server's route to /docs: the request goes to the same Fastify app, marked as coming from it. */
export function docsOpsRoute(app: FastifyInstance): OpsRoute {
  return {
    handle: (req, res) => {
      (req as Marked)[viaOps] = true;
      app.routing(req, res);
    },
  };
}
