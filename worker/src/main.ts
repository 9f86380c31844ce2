// The worker process: `node worker/src/main.ts`. Config from the environment (config.ts), the ops
// server on OPS_HOST:OPS_PORT; SIGTERM or SIGINT stop it gracefully: exit 0 when in-flight jobs
// finished within the bound, 1 when it ran out.
import { ConfigError, createLogger, startOpsServer } from '@avelon/core';
import { startWorkerApp } from './app.ts';
import { loadWorkerConfig } from './config.ts';

let config: ReturnType<typeof loadWorkerConfig>;
try {
  config = loadWorkerConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
const logger = createLogger({ service: 'worker', level: config.LOG_LEVEL });
const app = await startWorkerApp(config, logger);
const ops = await startOpsServer({ host: config.OPS_HOST, port: config.OPS_PORT, logger, ...app.ops });

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info(
    { signal, timeoutMs: config.WORKER_SHUTDOWN_TIMEOUT_MS },
    'stopping: no new jobs, finishing in-flight ones',
  );
  ops.drain();
  // Last resort if closing itself hangs (the bound inside stop() covers the jobs, not every socket).
  setTimeout(() => {
    logger.error('shutdown hung; exiting');
    process.exit(1);
  }, config.WORKER_SHUTDOWN_TIMEOUT_MS + 5000).unref();
  const result = await app.stop();
  await ops.close();
  logger.info({ result }, 'stopped');
  process.exit(result === 'clean' ? 0 : 1);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
