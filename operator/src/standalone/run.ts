import type { Redis } from 'ioredis';
import { DecisionLog } from '../controller/decision-log.ts';
import type { OperatorMetrics } from '../controller/metrics.ts';
import { PolicyRunner } from '../controller/runner.ts';
import type { ScalingPolicyStatus } from '../crd/index.ts';
import { StandaloneEffects } from './effects.ts';
import { loadPolicyFile } from './policy-file.ts';

/** Options of standalone mode. */
export interface StandaloneOptions {
  policyFile: string;
  apiUrls: readonly string[];
  workerUrls: readonly string[];
  dryRun: boolean;
  identity: string;
  cacheRedis: () => Redis;
  queueRedis: () => Redis;
  queuePrefix: string;
  metrics: OperatorMetrics;
  log: (line: string) => void;
}

/**
 * Standalone mode (`make up`, no cluster): one policy from a YAML file, metrics scraped from static
 * URLs, TTLs tuned for real, HPA changes reported. The same PolicyRunner and decision function as in a
 * cluster, with other effects.
 */
export function runStandalone(o: StandaloneOptions): {
  status: () => unknown;
  decisions: DecisionLog;
  stop: () => Promise<void>;
} {
  const { name, spec } = loadPolicyFile(o.policyFile, { api: o.apiUrls, worker: o.workerUrls });
  const effects = new StandaloneEffects(spec, o.cacheRedis, o.log);
  const deps = {
    resolveTargets: async (_r: string, t: { urls?: string[] }) => t.urls ?? [],
    queueRedis: o.queueRedis,
    queuePrefix: o.queuePrefix,
  };
  const decisions = new DecisionLog();
  const runner = new PolicyRunner(name, deps, o.metrics, undefined, decisions);
  let last: ScalingPolicyStatus | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const loop = async () => {
    try {
      last = await runner.evaluate(spec, { effects, dryRun: o.dryRun, now: Date.now(), identity: o.identity });
    } catch (e) {
      o.log(`evaluation failed: ${(e as Error).message}`);
    }
    if (!stopped) timer = setTimeout(loop, spec.evaluationIntervalSeconds * 1000);
  };
  o.log(
    `standalone: policy ${name} from ${o.policyFile}, every ${spec.evaluationIntervalSeconds} s${o.dryRun ? ' (dry run)' : ''}`,
  );
  void loop();
  return {
    status: () => ({
      mode: 'standalone',
      policy: name,
      spec,
      status: last,
      hpasWouldBe: effects.hpas,
      events: effects.events,
    }),
    decisions,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await runner.close();
    },
  };
}
