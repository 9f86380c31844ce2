// Starts the dashboard: loads config, builds the collector (scrape or Prometheus), the decision feed
// and the app, listens on PORT and serves the ops server on OPS_PORT; closes on SIGTERM/SIGINT.
import { createLogger, processRegistry, startOpsServer } from '@avelon/core';
import { buildApp } from './app.ts';
import { isPasswordHash } from './auth/password.ts';
import { loadDashboardConfig } from './config.ts';
import { History } from './history/history.ts';
import { Live } from './live.ts';
import { readinessChecks } from './readiness.ts';
import { DecisionFeed } from './sources/decisions.ts';
import { PrometheusCollector } from './sources/prometheus.ts';
import { ScrapeCollector } from './sources/scrape.ts';
import { kubernetesTargets, staticTargets } from './sources/targets.ts';

const c = loadDashboardConfig();
const logger = createLogger({ service: 'admin-metrics', level: c.LOG_LEVEL });
if (c.ADMIN_PASSWORD_HASH && !isPasswordHash(c.ADMIN_PASSWORD_HASH)) {
  logger.fatal('ADMIN_PASSWORD_HASH is not a scrypt hash (node admin-metrics/src/auth/hash-password.ts makes one)');
  process.exit(1);
}

const timeout = c.SCRAPE_TIMEOUT_MS;
const feed = new DecisionFeed(c.OPERATOR_URL, timeout);
const targets = { errorRateTarget: c.ERROR_RATE_TARGET, replicaLagTargetSeconds: c.REPLICA_LAG_TARGET_SECONDS };
let live: Live;
if (c.METRICS_SOURCE === 'prometheus') {
  const prometheus = new PrometheusCollector(c.PROMETHEUS_URL, timeout);
  live = new Live({ collector: prometheus, prometheus, feed, intervalMs: c.SCRAPE_INTERVAL_MS, targets });
} else {
  const resolver = c.KUBERNETES_DISCOVERY
    ? await kubernetesTargets({
        kubeconfig: c.KUBECONFIG,
        namespace: c.KUBERNETES_NAMESPACE,
        services: {
          api: c.KUBERNETES_API_SERVICE,
          worker: c.KUBERNETES_WORKER_SERVICE,
          operator: c.KUBERNETES_OPERATOR_SERVICE,
        },
        port: c.KUBERNETES_METRICS_PORT,
      })
    : staticTargets({ api: c.METRICS_API_URLS, worker: c.METRICS_WORKER_URLS, operator: c.METRICS_OPERATOR_URLS });
  const history = new History({
    fineStepSeconds: c.SCRAPE_INTERVAL_MS / 1000,
    fineSeconds: c.HISTORY_FINE_SECONDS,
    coarseStepSeconds: c.HISTORY_COARSE_STEP_SECONDS,
    coarseSeconds: c.HISTORY_COARSE_SECONDS,
    maxSeries: c.HISTORY_MAX_SERIES,
  });
  live = new Live({
    collector: new ScrapeCollector(resolver, timeout),
    history,
    feed,
    intervalMs: c.SCRAPE_INTERVAL_MS,
    targets,
  });
}

const app = await buildApp(c, live, logger);
live.start();

const ops = await startOpsServer({
  host: c.OPS_HOST,
  port: c.OPS_PORT,
  registry: processRegistry(),
  checks: readinessChecks(c),
  logger,
});

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    ops.drain();
    live.stop();
    setTimeout(() => process.exit(1), 5000).unref();
    app
      .close()
      .then(() => ops.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}

await app.listen({ port: c.PORT, host: c.HOST });
logger.info(
  { source: c.METRICS_SOURCE, discovery: c.KUBERNETES_DISCOVERY ? 'EndpointSlices' : 'static' },
  'admin-metrics listening',
);
