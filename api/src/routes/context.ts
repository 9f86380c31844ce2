import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import fp from 'fastify-plugin';

/** A Fastify instance with TypeBox type inference: route handlers see typed params, query and body. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * A resource's routes as an encapsulated plugin that names the service plugins it reads from `app`:
 * registering it without one of them fails at start with Fastify's missing-dependency error, instead
 * of a route failing on an undefined decorator at its first request.
 */
export function routesPlugin(name: string, dependencies: string[], routes: (app: App) => Promise<void>) {
  return fp(routes as (app: FastifyInstance) => Promise<void>, {
    name: `avelon-routes-${name}`,
    dependencies,
    encapsulate: true,
  });
}
