import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@avelon/core';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyError } from 'fastify';
import type { DashboardConfig } from './config.ts';
import { DashboardError } from './errors.ts';
import type { Live } from './live.ts';
import { authRoutes } from './routes/auth.ts';
import { dataRoutes } from './routes/data.ts';

// Everything is served by the app itself: scripts, styles and data from 'self', nothing else.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/**
 * Builds the dashboard without listening (tests use inject): login, the guarded read-only data routes
 * (JSON + server-sent events) and the built page. The collector loop and the ops server (probes,
 * readiness.ts) are main.ts's.
 */
export async function buildApp(config: DashboardConfig, live: Live, logger?: FastifyBaseLogger) {
  const app = Fastify({
    loggerInstance: logger ?? createLogger({ service: 'admin-metrics', level: config.LOG_LEVEL }),
    trustProxy: config.TRUST_PROXY.length > 0 ? config.TRUST_PROXY : false,
    bodyLimit: 16 * 1024,
    return503OnClosing: true,
  });

  app.setErrorHandler((error: FastifyError | DashboardError, request, reply) => {
    if (error instanceof DashboardError)
      return reply.code(error.statusCode).send({ code: error.code, message: error.message });
    if (error.validation || error.statusCode === 400 || error.statusCode === 415)
      return reply.code(400).send({ code: 'ADMIN_ERR_BAD_REQUEST', message: error.message });
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ code: 'ADMIN_ERR_INTERNAL', message: 'Internal error.' });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ code: 'ADMIN_ERR_NOT_FOUND', message: 'No such page.' }),
  );
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  await app.register(cookie);
  await app.register(authRoutes, { config });
  await app.register(dataRoutes, { config, live });

  const root = config.DASHBOARD_STATIC_DIR || fileURLToPath(new URL('../dist', import.meta.url));
  if (existsSync(join(root, 'index.html'))) {
    await app.register(fastifyStatic, {
      root,
      preCompressed: true,
      // Hashed file names under assets/ never change; the page itself is checked every time.
      setHeaders: (reply, path) =>
        reply.header(
          'cache-control',
          path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ),
    });
  } else {
    app.get('/', async () => {
      throw new DashboardError('ADMIN_ERR_NOT_BUILT');
    });
  }
  return app;
}
