import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { AppDeps } from '../deps.ts';
import type { AuthHooks } from '../plugins/auth.ts';
import type { LimitHooks } from '../plugins/rate-limit.ts';

/** What every route plugin gets: the process's dependencies and the auth and rate-limit hooks. */
export interface RouteContext {
  deps: AppDeps;
  auth: AuthHooks;
  limits: LimitHooks;
}

/** A Fastify instance with TypeBox type inference: route handlers see typed params, query and body. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
