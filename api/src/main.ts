// Runs the API: loads config, connects, listens on PORT (the shop) and on OPS_PORT (probes, metrics,
// /docs); on SIGTERM/SIGINT leaves rotation, finishes in-flight requests and closes.
import { createLogger, type OpsServer, startOpsServer } from '@avelon/core';
import { buildApp } from './app.ts';
import { loadApiConfig } from './config.ts';
import { apiOps } from './ops.ts';

const config = loadApiConfig();
const logger = createLogger({ service: 'api', level: config.LOG_LEVEL });
const app = await buildApp(config, logger);

let ops: OpsServer | undefined;
let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'closing: finishing in-flight requests');
    // Not ready from now on; then stop accepting, drain, close pools and Redis (onClose hook); exit if
    // that hangs. The ops server closes last, so probes see the pod leave instead of a refused port.
    ops?.drain();
    setTimeout(() => process.exit(1), 10_000).unref();
    app
      .close()
      .then(() => ops?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'close failed');
          process.exit(1);
        },
      );
  });
}

// Warm before listening: the ops server (readiness) starts after, so no traffic arrives while it runs.
await app.ready();
await app.cacheWarmer.warmBeforeServing(config.CACHE_WARM_TIMEOUT_MS);
await app.listen({ port: config.PORT, host: config.HOST });
ops = await startOpsServer({ host: config.OPS_HOST, port: config.OPS_PORT, logger, ...apiOps(app) });
logger.info({ instance: app.instanceId, docs: `${ops.url}/docs`, metrics: `${ops.url}/metrics` }, 'API listening');
