// Starts the API: loads config, connects, listens; closes gracefully on SIGTERM/SIGINT.
import { pino } from 'pino';
import { buildApp } from './app.ts';
import { loadApiConfig } from './config.ts';
import { createDeps } from './deps.ts';

const config = loadApiConfig();
const logger = pino({ level: config.LOG_LEVEL, base: { service: 'api' } });
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
logger.info({ instance: deps.instanceId, docs: `http://${config.HOST}:${config.PORT}/docs` }, 'API listening');
