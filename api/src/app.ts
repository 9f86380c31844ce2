import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { ApiConfig } from './config.ts';
import type { AppDeps } from './deps.ts';
import { fastifyTimeouts } from './http-timeouts.ts';
import { authHooks } from './plugins/auth.ts';
import { registerDocs } from './plugins/docs.ts';
import { clientErrorHandler, errorsPlugin, frameworkErrors } from './plugins/errors.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { guardOpsRoutes } from './plugins/ops-routes.ts';
import { registerOtel } from './plugins/otel.ts';
import { registerRateLimits } from './plugins/rate-limit.ts';
import type { RouteContext } from './routes/context.ts';
import { apiRoutes } from './routes/index.ts';
import { storableValidatorFactory } from './validation/storable.ts';

/**
 * Builds the API from plugins, without listening (tests use inject; main.ts listens, and serves probes,
 * metrics and /docs on the ops server, see ops.ts). Order matters: telemetry first, then errors,
 * headers and the ops-port guard, metrics, docs, then the rate limiter and the routes.
 */
export async function buildApp(config: ApiConfig, deps: AppDeps, logger: FastifyBaseLogger) {
  const app = Fastify({
    loggerInstance: logger,
    // Per-request logs would cost every cache hit a write; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.TRUST_PROXY.length > 0 ? config.TRUST_PROXY : false,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Unknown fields are rejected, not silently dropped (no mass assignment, and the client learns).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    // Every part of every request must also be storable: no NUL in strings, no Infinity (validation/storable.ts).
    schemaController: { compilersFactory: { buildValidator: storableValidatorFactory() } },
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    return503OnClosing: true,
    // What the router and node's HTTP parser refuse also answers in the registry's shape, with a code.
    frameworkErrors,
    clientErrorHandler,
    ...fastifyTimeouts(config),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON only: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  await registerOtel(app, config.OTEL_ENABLED);
  await app.register(errorsPlugin);
  // Browsers must not guess a type other than the one sent (no script from a JSON or text answer).
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });
  guardOpsRoutes(app);
  await app.register(metricsPlugin, { registry: deps.registry });
  if (config.DOCS_ENABLED) await registerDocs(app);
  app.decorateRequest('user', null);

  const ctx: RouteContext = { deps, auth: authHooks(deps), limits: await registerRateLimits(app, deps) };
  await app.register(apiRoutes, { ...ctx, prefix: '/api/v1' });

  app.addHook('onClose', async () => {
    await deps.close();
  });
  return app;
}

export type AvelonApp = Awaited<ReturnType<typeof buildApp>>;
