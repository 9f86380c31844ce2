import type { ScalingPolicySpec, ScalingPolicyStatus } from '../crd/index.ts';
import type { Action, HpaState } from '../decide/index.ts';
import { NotLeaderError } from '../errors.ts';
import {
  actionEvent,
  hpaNames,
  initialState,
  type Outcome,
  type PolicyEvent,
  plan,
  type Readings,
  type RunnerState,
  report,
} from '../evaluate/index.ts';
import { buildPolicySources, observe, type PolicySources, type SourceDeps } from '../sources/index.ts';
import type { DecisionLog } from './decision-log.ts';
import type { Effects } from './effects.ts';
import type { OperatorMetrics } from './metrics.ts';

/** Options of one evaluation. */
export interface EvaluateOptions {
  effects: Effects;
  /** The process-wide --dry-run, on top of the policy's own `dryRun`. */
  dryRun: boolean;
  now: number;
  generation?: number;
  identity: string;
}

/**
 * Runs one ScalingPolicy: observe, decide, apply, report. The deciding and reporting are plain code
 * (evaluate/); this class does the I/O around them — reads the sources, HPAs and TTLs, writes the
 * changes, records Events, metrics and the decision log — and keeps what lives across evaluations
 * (the sources with their scrape window, the {@link RunnerState}). Where the status it returns is
 * written (the status subresource, or standalone's /status) is the caller's.
 */
export class PolicyRunner {
  readonly name: string;
  readonly #deps: SourceDeps;
  readonly #metrics: OperatorMetrics;
  readonly #log: DecisionLog | undefined;
  #sources?: { key: string; sources: PolicySources };
  #state: RunnerState;

  constructor(
    name: string,
    deps: SourceDeps,
    metrics: OperatorMetrics,
    previous?: ScalingPolicyStatus,
    log?: DecisionLog,
  ) {
    this.name = name;
    this.#deps = deps;
    this.#metrics = metrics;
    this.#log = log;
    this.#state = initialState(previous);
  }

  async evaluate(spec: ScalingPolicySpec, o: EvaluateOptions): Promise<ScalingPolicyStatus> {
    const started = performance.now();
    const readings = await this.#read(spec, o);
    this.#log?.policy(this.name, spec);
    const p = plan(spec, readings, this.#state, o.now, o.dryRun);
    // Kept at once: losing the lease half-way through the writes must not let the next change come early.
    this.#state = { ...this.#state, memory: p.decision.memory };
    const outcomes: Outcome[] = [];
    for (const a of p.decision.actions) {
      const outcome = await this.#apply(a, p.dry, o.effects);
      outcomes.push(outcome);
      this.#metrics.changed(this.name, a, outcome.mode);
      this.#log?.record(this.name, spec, a, outcome.mode, p.obs);
      await emit(o.effects, actionEvent(outcome));
    }
    const r = report({
      spec,
      plan: p,
      outcomes,
      state: this.#state,
      now: o.now,
      generation: o.generation,
      identity: o.identity,
    });
    this.#state = r.state;
    for (const e of r.events) await emit(o.effects, e);

    const ok = p.decision.metricsAvailable;
    const seconds = (performance.now() - started) / 1000;
    this.#metrics.evaluated(this.name, ok ? 'ok' : 'metrics_missing', seconds, p.obs.p95LatencyMs, ok);
    if (r.status.applied) this.#metrics.applied(this.name, r.status.applied);
    return r.status;
  }

  /** Everything the evaluation needs from outside, failures kept as errors for plan() to judge. */
  async #read(spec: ScalingPolicySpec, o: EvaluateOptions): Promise<Readings> {
    const metrics = await observe(this.#sourcesFor(spec), spec, o.now);
    this.#metrics.sourceErrors(spec.metrics.source, metrics.missing.length);
    const hpas: Record<string, HpaState | Error> = {};
    for (const name of hpaNames(spec)) hpas[name] = await o.effects.readHpa(name).catch(asError);
    const ttls = spec.cache ? await o.effects.readTtls().catch(asError) : undefined;
    return { metrics, hpas, ttls };
  }

  /** Writes one change, or (dry) only reports it; a write the apiserver or Redis refuses is `refused`. */
  async #apply(a: Action, dry: boolean, effects: Effects): Promise<Outcome> {
    if (dry) return { action: a, mode: 'dryRun' };
    if (!effects.canWrite()) throw new NotLeaderError();
    try {
      if (a.kind === 'cacheTtl') await effects.writeTtl(a.cls, a.to);
      else await effects.applyHpa(a);
      return { action: a, mode: 'applied' };
    } catch (e) {
      return { action: a, mode: 'refused', error: asError(e).message };
    }
  }

  #sourcesFor(spec: ScalingPolicySpec): PolicySources {
    const key = JSON.stringify(spec.metrics);
    if (this.#sources?.key !== key) {
      void this.#sources?.sources.close();
      this.#sources = { key, sources: buildPolicySources(spec.metrics, this.#deps) };
    }
    return this.#sources.sources;
  }

  async close(): Promise<void> {
    await this.#sources?.sources.close();
  }
}

const emit = (effects: Effects, e: PolicyEvent) => effects.event(e.reason, e.note, e.type, e.hpa);
const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
