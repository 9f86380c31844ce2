import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Redis } from 'ioredis';
import { crdGroup, crdPlural, crdVersion, parsePolicySpec, type ScalingPolicyStatus } from '../crd/index.ts';
import { InvalidPolicyError, NotLeaderError } from '../errors.ts';
import type { SourceDeps } from '../sources/index.ts';
import { ClusterEffects } from './cluster-effects.ts';
import { DecisionLog } from './decision-log.ts';
import { type Kube, messageOf } from './kube.ts';
import type { OperatorMetrics } from './metrics.ts';
import { ConditionType, EventReason, fieldManager } from './reasons.ts';
import { PolicyRunner } from './runner.ts';
import { endpointSliceTargets } from './targets.ts';

/** What the controller needs from its process. */
export interface ControllerOptions {
  kube: Kube;
  namespace: string;
  identity: string;
  dryRun: boolean;
  isLeader: () => boolean;
  cacheRedis: () => Redis;
  queueRedis: () => Redis;
  queuePrefix: string;
  metrics: OperatorMetrics;
  log: (line: string) => void;
  /** How often the loop looks for due policies. @defaultValue 250 */
  tickMs?: number;
}

interface RawPolicy {
  metadata: { name: string; namespace: string; uid?: string; generation?: number };
  spec: unknown;
  status?: ScalingPolicyStatus;
}

/**
 * Evaluates every ScalingPolicy of its namespace on each one's own interval, while this process leads.
 * Policies are listed each tick (one cheap GET) rather than watched: a new or edited policy takes
 * effect within a tick, and there is no watch to lose. Non-leaders do nothing but wait.
 */
export class Controller {
  readonly #o: ControllerOptions;
  readonly #runners = new Map<string, PolicyRunner>();
  /** Every policy's decisions with their inputs, served on /decisions. */
  readonly decisions = new DecisionLog();
  #timer?: NodeJS.Timeout;
  #running = false;
  #stopped = false;

  constructor(o: ControllerOptions) {
    this.#o = o;
  }

  start(): void {
    const loop = async () => {
      if (this.#stopped) return;
      await this.tick().catch((e) => this.#o.log(`tick failed: ${messageOf(e)}`));
      if (!this.#stopped) this.#timer = setTimeout(loop, this.#o.tickMs ?? 250);
    };
    void loop();
  }

  /** One pass: evaluate the policies that are due. Public for tests. */
  async tick(): Promise<void> {
    if (this.#running || !this.#o.isLeader()) return;
    this.#running = true;
    try {
      const { namespace } = this.#o;
      const list = (await this.#o.kube.custom.listNamespacedCustomObject({
        group: crdGroup,
        version: crdVersion,
        namespace,
        plural: crdPlural,
      })) as { items: RawPolicy[] };
      const seen = new Set<string>();
      await Promise.all(
        list.items.map(async (p) => {
          seen.add(p.metadata.name);
          await this.#reconcile(p);
        }),
      );
      for (const [name, runner] of this.#runners) {
        if (!seen.has(name)) {
          await runner.close();
          this.#runners.delete(name);
          this.decisions.forget(name);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #reconcile(p: RawPolicy): Promise<void> {
    const { name, namespace, uid, generation } = p.metadata;
    let runner = this.#runners.get(name);
    if (!runner) {
      runner = new PolicyRunner(name, this.#sourceDeps(), this.#o.metrics, p.status, this.decisions);
      this.#runners.set(name, runner);
    }
    const effects = new ClusterEffects({
      kube: this.#o.kube,
      policy: { namespace, name, uid },
      cacheRedis: this.#o.cacheRedis,
      identity: this.#o.identity,
      isLeader: this.#o.isLeader,
      log: this.#o.log,
    });
    let spec: ReturnType<typeof parsePolicySpec>;
    try {
      spec = parsePolicySpec(p.spec, `${namespace}/${name}.spec`);
    } catch (e) {
      if (!(e instanceof InvalidPolicyError)) throw e;
      // The apiserver validated it already; this only fires for rules it cannot check (none today).
      await effects.event(EventReason.InvalidSpec, e.message, 'Warning');
      return;
    }
    const now = Date.now();
    if (!runner.due(spec, now)) return;
    try {
      const status = await runner.evaluate(spec, {
        effects,
        dryRun: this.#o.dryRun,
        now,
        generation,
        identity: this.#o.identity,
      });
      if (!this.#o.isLeader()) throw new NotLeaderError();
      await this.#writeStatus(name, status);
    } catch (e) {
      // Losing the lease mid-evaluation is expected; stop writing and let the new leader carry on.
      if (e instanceof NotLeaderError) return;
      this.#o.metrics.evaluated(name, 'error', 0);
      this.#o.log(`policy ${namespace}/${name}: ${messageOf(e)}`);
    }
  }

  /** Replaces the whole status (JSON patch `add`): a merge patch would keep values that went missing. */
  async #writeStatus(name: string, status: ScalingPolicyStatus): Promise<void> {
    const body = [{ op: 'add', path: '/status', value: JSON.parse(JSON.stringify(status)) }];
    await this.#o.kube.custom.patchNamespacedCustomObjectStatus(
      {
        group: crdGroup,
        version: crdVersion,
        namespace: this.#o.namespace,
        plural: crdPlural,
        name,
        body,
        fieldManager,
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
  }

  #sourceDeps(): SourceDeps {
    return {
      resolveTargets: (_role, t) => endpointSliceTargets(this.#o.kube, this.#o.namespace, t),
      queueRedis: this.#o.queueRedis,
      queuePrefix: this.#o.queuePrefix,
    };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.all([...this.#runners.values()].map((r) => r.close()));
  }
}

export { ConditionType };
