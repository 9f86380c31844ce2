import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { ApiConfig } from './config.ts';
import { fastifyTimeouts } from './http-timeouts.ts';
import { authPlugin } from './plugins/auth.ts';
import { cacheWarmingPlugin } from './plugins/cache-warming.ts';
import { registerDocs } from './plugins/docs.ts';
import { clientErrorHandler, errorsPlugin, frameworkErrors } from './plugins/errors.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { guardOpsRoutes } from './plugins/ops-routes.ts';
import { registerOtel } from './plugins/otel.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { registerServices } from './plugins/services/index.ts';
import { apiRoutes } from './routes/index.ts';
import { storableValidatorFactory } from './validation/storable.ts';

/**
 * Builds the API from plugins, without listening (tests use inject; main.ts listens, and serves probes,
 * metrics and /docs on the ops server, see ops.ts). Order matters: telemetry first, then errors,
 * headers and the ops-port guard, the services (plugins/services/: connections, cache, sessions, jobs),
 * metrics, docs, then auth, the rate limiter and the routes, which declare the plugins they need.
 */
export async function buildApp(config: ApiConfig, logger: FastifyBaseLogger) {
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
  // A callback hook, not an async one: it runs on every request, and a promise per request is measurable.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
  guardOpsRoutes(app);
  await registerServices(app, config);
  await app.register(cacheWarmingPlugin);
  await app.register(metricsPlugin, { registry: app.registry });
  if (config.DOCS_ENABLED) await registerDocs(app);
  await app.register(authPlugin);
  await app.register(rateLimitPlugin);
  await app.register(apiRoutes, { prefix: '/api/v1' });
  return app;
}

export type AvelonApp = Awaited<ReturnType<typeof buildApp>>;
