import type { Redis } from 'ioredis';
import type { ScalingPolicySpec, ScalingPolicyStatus } from '../crd/index.ts';
import { type InvalidPolicyError, NotLeaderError } from '../errors.ts';
import { EventReason, Schedule } from '../evaluate/index.ts';
import type { SourceDeps } from '../sources/index.ts';
import { ClusterEffects } from './cluster-effects.ts';
import { DecisionLog } from './decision-log.ts';
import { type Kube, messageOf } from './kube.ts';
import type { OperatorMetrics } from './metrics.ts';
import { type RawPolicy, readSpec, writeStatus } from './policies.ts';
import { PolicyRunner } from './runner.ts';
import { endpointSliceTargets } from './targets.ts';
import { PolicyWatch } from './watch.ts';

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
  /** How often a process that does not lead looks whether it does now (a local check, no request). @defaultValue 1000 */
  leaderCheckMs?: number;
  /** Back-off before the first restart of a lost watch; doubled per failure in a row, up to 30 s. @defaultValue 1000 */
  watchBackoffMs?: number;
}

/** One watched policy: its object as last seen and its spec as parsed for that generation. */
interface Policy {
  raw: RawPolicy;
  spec?: ScalingPolicySpec;
  invalid?: InvalidPolicyError;
  /** The InvalidSpec Event of this generation is recorded (once, not every interval). */
  reported?: boolean;
}

/**
 * Evaluates every ScalingPolicy of its namespace on each one's own interval, while this process leads.
 * A watch (policies.ts, watch.ts) keeps every process's cache current, leader or not, so a new leader
 * starts at once; a {@link Schedule} with one timer says which policy is due, a new policy or a new
 * generation at once. A process that stops leading drops its runners: when it leads again it starts,
 * like any new leader, from the status in the cluster rather than from memory that went stale.
 */
export class Controller {
  readonly #o: ControllerOptions;
  readonly #policies = new Map<string, Policy>();
  readonly #runners = new Map<string, PolicyRunner>();
  /** The status as the cluster last showed it per policy (watch, or this process's write). */
  readonly #known = new Map<string, ScalingPolicyStatus | undefined>();
  readonly #schedule = new Schedule();
  readonly #watch: PolicyWatch;
  /** Every policy's decisions with their inputs, served on /decisions. */
  readonly decisions = new DecisionLog();
  /** Evaluations under way: stop() lets them finish before the Lease can pass to another process. */
  readonly #inflight = new Set<Promise<void>>();
  #timer?: NodeJS.Timeout;
  #stopped = false;

  constructor(o: ControllerOptions) {
    this.#o = o;
    this.#watch = new PolicyWatch({
      kube: o.kube,
      namespace: o.namespace,
      backoffMs: o.watchBackoffMs,
      log: o.log,
      metrics: o.metrics,
      onUpsert: (p) => this.#upsert(p),
      onDelete: (p) => this.#forget(p.metadata.name),
    });
  }

  start(): void {
    this.#watch.start();
  }

  /** Stops watching and scheduling, waits for the evaluations under way, closes every runner. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#watch.stop();
    await Promise.allSettled([...this.#inflight]);
    await Promise.all([...this.#runners.values()].map((r) => r.close()));
  }

  /** The watch saw a policy (new, edited, or only its status): cache it, schedule a new generation. */
  #upsert(raw: RawPolicy): void {
    const { name, uid, generation } = raw.metadata;
    const prev = this.#policies.get(name);
    // Deleted and created again under the same name while the watch was down: a new policy.
    if (prev && prev.raw.metadata.uid !== uid) this.#forget(name);
    const same = prev && prev.raw.metadata.uid === uid && prev.raw.metadata.generation === generation;
    this.#policies.set(name, same ? { ...prev, raw } : { raw, ...readSpec(raw) });
    this.#known.set(name, raw.status);
    const p = this.#policies.get(name);
    const intervalMs = (p?.spec?.evaluationIntervalSeconds ?? 2) * 1000;
    this.#schedule.set(name, { generation, intervalMs }, Date.now());
    this.#arm();
  }

  /**
   * A policy is gone: no more evaluations, its sources closed, its goals off /decisions. An evaluation
   * still running reads nothing more that matters (sources report a closed read as missing) and its
   * failure is not logged (#evaluate).
   */
  #forget(name: string): void {
    this.#schedule.delete(name);
    this.#policies.delete(name);
    this.#known.delete(name);
    this.decisions.forget(name);
    void this.#runners.get(name)?.close();
    this.#runners.delete(name);
  }

  /** Sets the one timer to the next due policy; a process that does not lead re-checks each second. */
  #arm(leading = this.#o.isLeader()): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const next = this.#schedule.next();
    if (this.#stopped || next === undefined) return;
    const now = Date.now();
    const at = leading ? next : Math.max(next, now + (this.#o.leaderCheckMs ?? 1000));
    this.#timer = setTimeout(this.#wake, Math.max(0, at - now));
  }

  readonly #wake = (): void => {
    const now = Date.now();
    const leading = this.#o.isLeader();
    if (leading)
      for (const name of this.#schedule.take(now)) {
        const run = this.#evaluate(name, now).finally(() => this.#inflight.delete(run));
        this.#inflight.add(run);
      }
    else this.#dropIdleRunners();
    this.#arm(leading);
  };

  async #evaluate(name: string, now: number): Promise<void> {
    try {
      await this.#evaluatePolicy(name, now);
    } catch (e) {
      // Losing the lease mid-evaluation is expected: stop writing and let the new leader carry on. A
      // policy deleted meanwhile fails its status write: nothing to report either.
      if (!(e instanceof NotLeaderError) && this.#policies.has(name)) {
        this.#o.metrics.evaluated(name, 'error', 0);
        this.#o.log(`policy ${this.#o.namespace}/${name}: ${messageOf(e)}`);
      }
    }
    this.#schedule.done(name, now, Date.now());
    // Deleted while it ran: the runner put the goals back on /decisions meanwhile.
    if (!this.#policies.has(name)) this.decisions.forget(name);
    this.#arm();
  }

  /** One evaluation and, when it changed anything but the observed figures, its status write. */
  async #evaluatePolicy(name: string, now: number): Promise<void> {
    const p = this.#policies.get(name);
    if (!p) return;
    const { namespace, uid, generation } = p.raw.metadata;
    const effects = new ClusterEffects({
      kube: this.#o.kube,
      policy: { namespace, name, uid },
      cacheRedis: this.#o.cacheRedis,
      identity: this.#o.identity,
      isLeader: this.#o.isLeader,
      log: this.#o.log,
    });
    if (!p.spec) {
      // The apiserver validated it already; this only fires for rules it cannot check (none today).
      if (p.invalid && !p.reported) await effects.event(EventReason.InvalidSpec, p.invalid.message, 'Warning');
      p.reported = true;
      return;
    }
    let runner = this.#runners.get(name);
    if (!runner) {
      runner = new PolicyRunner(name, this.#sourceDeps(), this.#o.metrics, this.#known.get(name), this.decisions);
      this.#runners.set(name, runner);
    }
    const status = await runner.evaluate(p.spec, {
      effects,
      dryRun: this.#o.dryRun,
      now,
      generation,
      identity: this.#o.identity,
    });
    if (!this.#o.isLeader()) throw new NotLeaderError();
    const written = await writeStatus(this.#o.kube, { namespace, name }, this.#known.get(name), status, now);
    if (written) {
      this.#known.set(name, written.status);
      this.#o.metrics.statusWritten(name, written.reason);
    }
  }

  /** Not leading: forget what the runners remember (the next leader, maybe this one, starts anew). */
  #dropIdleRunners(): void {
    for (const [name, runner] of this.#runners) {
      if (this.#schedule.running(name)) continue;
      this.#runners.delete(name);
      void runner.close();
    }
  }

  #sourceDeps(): SourceDeps {
    return {
      resolveTargets: (_role, t) => endpointSliceTargets(this.#o.kube, this.#o.namespace, t),
      queueRedis: this.#o.queueRedis,
      queuePrefix: this.#o.queuePrefix,
    };
  }
}
