// Entry point of the operator: `node operator/src/main.ts [--standalone] [--dry-run]`.
// In a cluster it elects a leader on a Lease and the leader steers every ScalingPolicy of its
// namespace; with --standalone it runs one policy from a YAML file without a cluster (app.ts).
import { once } from 'node:events';
import { hostname } from 'node:os';
import { cacheConnection, createLogger, queueProducerConnection, startOpsServer } from '@avelon/core';
import type { Redis } from 'ioredis';
import { buildOperator } from './app.ts';
import { loadOperatorConfig } from './config.ts';

const config = loadOperatorConfig();
const args = new Set(process.argv.slice(2));
const standalone = args.has('--standalone');
const dryRun = args.has('--dry-run') || config.OPERATOR_DRY_RUN;
const identity = config.OPERATOR_IDENTITY || `${hostname()}-${process.pid}`;
const logger = createLogger({ service: 'operator', level: config.LOG_LEVEL });

/**
 * Both Redis connections, opened now and given a second to be ready: they fail fast (no offline
 * queue), so a first evaluation on a connection still opening would report everything missing.
 */
const open = async (r: Redis) => {
  r.on('error', () => {}); // surfaced as missing metrics / failed writes, not as crashes
  // once() rejects on an 'error' first (Redis not up yet, as in a pod starting beside it): that is a
  // missing metric to report, never a reason to exit.
  await Promise.race([once(r, 'ready').catch(() => undefined), new Promise((ok) => setTimeout(ok, 1000))]);
  return { get: () => r, close: () => r.disconnect() };
};
const [cacheRedis, queueRedis] = await Promise.all([
  open(cacheConnection(config.REDIS_CACHE_URL, config.REDIS_COMMAND_TIMEOUT_MS, 'operator-cache')),
  open(queueProducerConnection(config.REDIS_QUEUE_URL, 'operator-queue')),
]);

const operator = buildOperator({
  config,
  standalone,
  dryRun,
  identity,
  cacheRedis: cacheRedis.get,
  queueRedis: queueRedis.get,
  logger,
});
operator.start();
const ops = await startOpsServer({ host: config.OPS_HOST, port: config.OPS_PORT, logger, ...operator.ops });
logger.info({ mode: standalone ? 'standalone' : 'cluster', identity, dryRun, ops: ops.url }, 'operator started');

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  ops.drain();
  await operator.stop().catch((e: unknown) => logger.error({ err: e }, 'stop failed'));
  await ops.close();
  cacheRedis.close();
  queueRedis.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
