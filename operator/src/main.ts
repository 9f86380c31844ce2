// Entry point of the operator: `node operator/src/main.ts [--standalone] [--dry-run]`.
// In a cluster it elects a leader on a Lease and the leader steers every ScalingPolicy of its
// namespace; with --standalone it runs one policy from a YAML file without a cluster.
import { once } from 'node:events';
import { hostname } from 'node:os';
import { cacheConnection, queueProducerConnection } from '@avelon/core';
import type { Redis } from 'ioredis';
import { loadOperatorConfig } from './config.ts';
import { Controller } from './controller/controller.ts';
import type { DecisionLog } from './controller/decision-log.ts';
import { kubeClients } from './controller/kube.ts';
import { OperatorMetrics } from './controller/metrics.ts';
import { LeaseElector } from './leader/index.ts';
import { startHttpServer } from './server.ts';
import { runStandalone } from './standalone/index.ts';

const config = loadOperatorConfig();
const args = new Set(process.argv.slice(2));
const standalone = args.has('--standalone');
const dryRun = args.has('--dry-run') || config.OPERATOR_DRY_RUN;
const identity = config.OPERATOR_IDENTITY || `${hostname()}-${process.pid}`;
const log = (line: string) => console.log(`${new Date().toISOString()} operator ${line}`);
const metrics = new OperatorMetrics();

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

let stop: () => Promise<void>;
let status: () => unknown;
let decisions: () => DecisionLog;
let healthy = () => true;

if (standalone) {
  const s = runStandalone({
    policyFile: config.OPERATOR_POLICY_FILE,
    apiUrls: config.OPERATOR_API_METRICS_URLS,
    workerUrls: config.OPERATOR_WORKER_METRICS_URLS,
    dryRun,
    identity,
    cacheRedis: cacheRedis.get,
    queueRedis: queueRedis.get,
    queuePrefix: config.QUEUE_PREFIX,
    metrics,
    log,
  });
  metrics.leader(true);
  stop = s.stop;
  status = s.status;
  decisions = () => s.decisions;
} else {
  const kube = kubeClients(config.KUBECONFIG);
  const elector = new LeaseElector({
    api: kube.coordination,
    namespace: config.OPERATOR_NAMESPACE,
    name: config.OPERATOR_LEASE_NAME,
    identity,
    leaseDurationSeconds: config.OPERATOR_LEASE_DURATION_S,
    renewDeadlineSeconds: config.OPERATOR_LEASE_RENEW_DEADLINE_S,
    retryPeriodSeconds: config.OPERATOR_LEASE_RETRY_S,
    onChange: (leading) => metrics.leader(leading),
    log,
  });
  const controller = new Controller({
    kube,
    namespace: config.OPERATOR_NAMESPACE,
    identity,
    dryRun,
    isLeader: () => elector.isLeader(),
    cacheRedis: cacheRedis.get,
    queueRedis: queueRedis.get,
    queuePrefix: config.QUEUE_PREFIX,
    metrics,
    log,
  });
  metrics.leader(false);
  elector.start();
  controller.start();
  decisions = () => controller.decisions;
  status = () => ({
    mode: 'cluster',
    identity,
    namespace: config.OPERATOR_NAMESPACE,
    leader: elector.isLeader(),
    dryRun,
  });
  stop = async () => {
    await controller.stop();
    await elector.release();
  };
  healthy = () => true;
}

const server = await startHttpServer({
  port: config.PORT,
  registry: metrics.registry,
  status: () => status(),
  decisions: () => decisions(),
  healthy: () => healthy(),
});
log(
  `${standalone ? 'standalone' : 'cluster'} mode, identity ${identity}, http on :${config.PORT}${dryRun ? ', dry run' : ''}`,
);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  await stop().catch((e) => log(`stop: ${(e as Error).message}`));
  server.close();
  cacheRedis.close();
  queueRedis.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
