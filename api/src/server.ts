// Starts the API: loads config, connects, listens; closes gracefully on SIGTERM/SIGINT.
import { buildApp } from './app.ts';
import { loadApiConfig } from './config.ts';
import { createDeps } from './deps.ts';
import { createApiLogger } from './logger.ts';
import { listenOps } from './plugins/ops-routes.ts';

const config = loadApiConfig();
const logger = createApiLogger(config.LOG_LEVEL);
const deps = await createDeps(config, logger);
const app = await buildApp(config, deps, logger);

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'closing: finishing in-flight requests');
    // Stop accepting, drain, then close pools and Redis (onClose hook); exit if that hangs.
    setTimeout(() => process.exit(1), 10_000).unref();
    ops?.close();
    ops?.closeAllConnections();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'close failed');
        process.exit(1);
      },
    );
  });
}

await app.listen({ port: config.PORT, host: config.HOST });
const ops = config.OPS_PORT > 0 ? await listenOps(app, config) : undefined;
const opsBase = ops ? `http://${config.OPS_HOST}:${config.OPS_PORT}` : `http://${config.HOST}:${config.PORT}`;
logger.info({ instance: deps.instanceId, docs: `${opsBase}/docs`, metrics: `${opsBase}/metrics` }, 'API listening');
