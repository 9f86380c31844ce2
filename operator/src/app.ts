// Builds the operator from its config, without listening: in a cluster a Lease elector and the
// controller of every ScalingPolicy of its namespace, with --standalone one policy from a YAML file.
// main.ts opens Redis, starts it, serves `ops` on the ops server and handles signals.
import { type DecisionsResponse, type Logger, type OpsServerOptions, operatorDecisionsPath } from '@avelon/core';
import type { Redis } from 'ioredis';
import type { OperatorConfig } from './config.ts';
import { Controller } from './controller/controller.ts';
import type { DecisionLog } from './controller/decision-log.ts';
import { kubeClients } from './controller/kube.ts';
import { OperatorMetrics } from './controller/metrics.ts';
import { LeaseElector } from './leader/index.ts';
import { runStandalone } from './standalone/index.ts';

export interface OperatorOptions {
  config: OperatorConfig;
  /** One policy from OPERATOR_POLICY_FILE, no cluster (`make up`). */
  standalone: boolean;
  dryRun: boolean;
  /** Holder identity in the Lease and reportingInstance of Events. */
  identity: string;
  cacheRedis: () => Redis;
  queueRedis: () => Redis;
  logger: Logger;
}

/** A built operator: `start` begins its loops, `ops` is what its ops server serves. */
export interface Operator {
  readonly ops: Pick<OpsServerOptions, 'registry' | 'checks' | 'routes'>;
  start(): void;
  stop(): Promise<void>;
}

const notStarted: DecisionsResponse = { latestSeq: 0, capacity: 0, policies: [], decisions: [] };

export function buildOperator(o: OperatorOptions): Operator {
  const { config, identity, dryRun } = o;
  // The controller and elector log lines of text; they go out as the message of JSON lines.
  const log = (line: string) => o.logger.info(line);
  const metrics = new OperatorMetrics();
  const shared = {
    dryRun,
    identity,
    cacheRedis: o.cacheRedis,
    queueRedis: o.queueRedis,
    queuePrefix: config.QUEUE_PREFIX,
    metrics,
    log,
  };
  let running: { status: () => unknown; decisions: () => DecisionLog; stop: () => Promise<void> } | undefined;

  const start = () => {
    if (o.standalone) {
      const s = runStandalone({
        ...shared,
        policyFile: config.OPERATOR_POLICY_FILE,
        apiUrls: config.OPERATOR_API_METRICS_URLS,
        workerUrls: config.OPERATOR_WORKER_METRICS_URLS,
      });
      metrics.leader(true);
      running = { status: s.status, decisions: () => s.decisions, stop: s.stop };
      return;
    }
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
      ...shared,
      kube,
      namespace: config.OPERATOR_NAMESPACE,
      isLeader: () => elector.isLeader(),
    });
    metrics.leader(false);
    elector.start();
    controller.start();
    running = {
      status: () => ({
        mode: 'cluster',
        identity,
        namespace: config.OPERATOR_NAMESPACE,
        leader: elector.isLeader(),
        dryRun,
      }),
      decisions: () => controller.decisions,
      stop: async () => {
        await controller.stop();
        await elector.release();
      },
    };
  };

  return {
    ops: {
      registry: metrics.registry,
      // None: a Redis or metrics outage is what the operator reports, not a reason to take it away
      // (its /status and /decisions say what it sees).
      checks: {},
      routes: {
        '/status': { json: () => running?.status() ?? { starting: true } },
        // Every recent change with its reason and inputs; `?since=N` for those after N.
        [operatorDecisionsPath]: {
          json: (url) => {
            const since = Number(url.searchParams.get('since') ?? 0);
            return running?.decisions().since(Number.isFinite(since) ? since : 0) ?? notStarted;
          },
        },
      },
    },
    start,
    stop: async () => {
      await running?.stop();
    },
  };
}
