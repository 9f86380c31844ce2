import type { Condition, Decision as DecisionLine, ScalingPolicySpec, ScalingPolicyStatus } from '../crd/index.ts';
import { type Action, decide, emptyMemory, type HpaState, type Memory, type Observations } from '../decide/index.ts';
import { HpaNotFoundError, KedaManagedHpaError, NoCpuMetricError, NotLeaderError } from '../errors.ts';
import { buildPolicySources, observe, type PolicySources, type SourceDeps } from '../sources/index.ts';
import { setCondition } from './conditions.ts';
import type { DecisionLog } from './decision-log.ts';
import type { Effects } from './effects.ts';
import type { OperatorMetrics } from './metrics.ts';
import { ConditionType, EventReason } from './reasons.ts';

/** Options of one evaluation. */
export interface EvaluateOptions {
  effects: Effects;
  /** The process-wide --dry-run, on top of the policy's own `dryRun`. */
  dryRun: boolean;
  now: number;
  generation?: number;
  identity: string;
}

const maxDecisions = 20;

/**
 * Runs one ScalingPolicy: observe, decide, apply, report. It keeps what must live across evaluations
 * (decision memory, the scrape window inside its sources, recent decisions, conditions) and builds
 * the status; where it is written (the status subresource, or standalone's /status) is the caller's.
 */
export class PolicyRunner {
  readonly name: string;
  readonly #deps: SourceDeps;
  readonly #metrics: OperatorMetrics;
  readonly #log: DecisionLog | undefined;
  #sources?: { key: string; sources: PolicySources };
  #memory: Memory = emptyMemory();
  #decisions: DecisionLine[] = [];
  #conditions: Condition[] = [];
  /** Dry-run values, laid over what the HPAs say, so a dry run follows its own trajectory. */
  #virtual: Record<string, number> = {};
  #lastObservedAt = 0;

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
    this.#decisions = [...(previous?.recentDecisions ?? [])];
    this.#conditions = [...(previous?.conditions ?? [])];
  }

  /** True when the policy's evaluation interval has passed since the last evaluation. */
  due(spec: ScalingPolicySpec, now: number): boolean {
    return now - this.#lastObservedAt >= spec.evaluationIntervalSeconds * 1000 - 50;
  }

  async evaluate(spec: ScalingPolicySpec, o: EvaluateOptions): Promise<ScalingPolicyStatus> {
    const started = performance.now();
    this.#lastObservedAt = o.now;
    const metrics = await observe(this.#sourcesFor(spec), spec, o.now);
    this.#metrics.sourceErrors(spec.metrics.source, metrics.missing.length);
    const problems: Array<{ reason: EventReason; message: string; hpa: string }> = [];
    const hpas: Record<string, HpaState | undefined> = {};
    for (const name of hpaNames(spec)) {
      try {
        hpas[name] = this.#overlay(name, await o.effects.readHpa(name));
      } catch (e) {
        problems.push({ reason: reasonOf(e), message: (e as Error).message, hpa: name });
      }
    }
    const obs: Observations = { ...metrics, hpas };
    if (spec.cache) {
      try {
        obs.cacheTtls = await o.effects.readTtls();
      } catch (e) {
        obs.missing.push(`cache Redis: current TTLs unreadable: ${(e as Error).message}`);
      }
    }
    this.#log?.policy(this.name, spec);
    const d = decide(spec, obs, this.#memory, o.now);
    this.#memory = d.memory;
    const dry = spec.dryRun || o.dryRun;
    const failures: string[] = [];
    for (const a of d.actions) failures.push(...(await this.#act(spec, obs, a, dry, o)));

    const at = new Date(o.now);
    await this.#condition(o, at, {
      type: ConditionType.MetricsAvailable,
      status: d.metricsAvailable ? 'True' : 'False',
      reason: d.metricsAvailable ? 'AllFresh' : EventReason.MetricsUnavailable,
      message: d.metricsAvailable
        ? 'every metric the policy needs was read'
        : `holding values: ${d.missing.join('; ')}`,
    });
    await this.#condition(o, at, {
      type: ConditionType.Ready,
      status: problems.length ? 'False' : 'True',
      reason: problems[0]?.reason ?? 'Steering',
      message: problems.map((p) => p.message).join('; ') || 'every HPA the policy names can be steered',
    });
    await this.#condition(o, at, {
      type: ConditionType.Applied,
      status: failures.length || problems.length ? 'False' : 'True',
      reason: failures.length ? EventReason.ApplyFailed : (problems[0]?.reason ?? (dry ? 'DryRun' : 'UpToDate')),
      message:
        [...failures, ...problems.map((p) => p.message)].join('; ') ||
        (dry ? 'dry run: changes reported, not applied' : 'all decided changes applied'),
    });
    for (const p of problems) if (this.#conditionChanged) await o.effects.event(p.reason, p.message, 'Warning', p.hpa);

    const seconds = (performance.now() - started) / 1000;
    this.#metrics.evaluated(
      this.name,
      d.metricsAvailable ? 'ok' : 'metrics_missing',
      seconds,
      obs.p95LatencyMs,
      d.metricsAvailable,
    );
    const status = this.#status(spec, obs, d.actions, o, d.missing);
    if (status.applied) this.#metrics.applied(this.name, status.applied);
    return status;
  }

  #conditionChanged = false;

  async #condition(o: EvaluateOptions, at: Date, c: Omit<Condition, 'lastTransitionTime'>) {
    const r = setCondition(this.#conditions, { ...c, observedGeneration: o.generation }, at);
    this.#conditions = r.list;
    if (c.type === ConditionType.Ready) this.#conditionChanged = r.changed;
    if (c.type === ConditionType.MetricsAvailable && r.changed) {
      const ok = c.status === 'True';
      await o.effects.event(
        ok ? EventReason.MetricsRecovered : EventReason.MetricsUnavailable,
        c.message,
        ok ? 'Normal' : 'Warning',
      );
    }
  }

  /** Applies (or, dry, records) one action: an Event, a metric and a status line either way. */
  async #act(
    spec: ScalingPolicySpec,
    obs: Observations,
    a: Action,
    dry: boolean,
    o: EvaluateOptions,
  ): Promise<string[]> {
    let mode: DecisionLine['mode'] = dry ? 'dryRun' : 'applied';
    const failures: string[] = [];
    if (dry) this.#virtual[a.target] = a.to;
    else {
      if (!o.effects.canWrite()) throw new NotLeaderError();
      try {
        if (a.kind === 'cacheTtl') await o.effects.writeTtl(a.cls, a.to);
        else await o.effects.applyHpa(a);
      } catch (e) {
        mode = 'refused';
        failures.push(`${a.target}: ${(e as Error).message}`);
      }
    }
    this.#metrics.changed(this.name, a, mode);
    this.#log?.record(this.name, spec, a, mode, obs);
    const note = `${a.target} ${a.from} -> ${a.to}${mode === 'applied' ? '' : ` (${mode})`}: ${a.reason}`;
    const reason =
      mode === 'refused' ? EventReason.ApplyFailed : mode === 'dryRun' ? EventReason.DryRunDecision : reasonFor(a);
    await o.effects.event(
      reason,
      note,
      mode === 'refused' ? 'Warning' : 'Normal',
      a.kind === 'cacheTtl' ? undefined : a.hpa,
    );
    this.#decisions = [
      ...this.#decisions,
      { time: new Date(o.now).toISOString(), target: a.target, from: a.from, to: a.to, reason: a.reason, mode },
    ].slice(-maxDecisions);
    return failures;
  }

  #overlay(name: string, hpa: HpaState): HpaState {
    const cpu = this.#virtual[`hpa/${name}.cpuTarget`];
    const floor = this.#virtual[`hpa/${name}.minReplicas`];
    return {
      ...hpa,
      ...(cpu !== undefined ? { cpuTarget: cpu } : {}),
      ...(floor !== undefined ? { minReplicas: floor } : {}),
    };
  }

  #status(
    spec: ScalingPolicySpec,
    obs: Observations,
    actions: Action[],
    o: EvaluateOptions,
    missing: string[],
  ): ScalingPolicyStatus {
    const after = (hpa: string, kind: 'cpuTarget' | 'minReplicas') =>
      actions.find((a) => a.kind === kind && a.hpa === hpa)?.to ?? obs.hpas[hpa]?.[kind];
    const ttl = (cls: string) =>
      actions.find((a) => a.kind === 'cacheTtl' && a.cls === cls)?.to ?? obs.cacheTtls?.[cls];
    const round = (v: number | undefined, d = 2) => (v === undefined ? undefined : Math.round(v * 10 ** d) / 10 ** d);
    return {
      observedGeneration: o.generation,
      leader: o.identity,
      lastEvaluationTime: new Date(o.now).toISOString(),
      conditions: this.#conditions,
      observed: {
        time: new Date(obs.at).toISOString(),
        p95LatencyMs: round(obs.p95LatencyMs),
        requestsPerSecond: round(obs.requestsPerSecond),
        dbQueriesPerSecond: round(obs.dbQueriesPerSecond),
        queues: (spec.workers ?? []).map((w) => {
          const q = obs.queues[w.queue];
          return q
            ? {
                queue: w.queue,
                backlog: q.backlog,
                oldestWaitSeconds: round(q.oldestWaitSeconds),
                arrivalPerSecond: round(q.arrivalPerSecond),
                completedPerSecond: round(q.completedPerSecond),
                workers: q.workers,
              }
            : { queue: w.queue, missing: 'not read' };
        }),
        cacheHitRates: Object.entries(obs.cacheHitRates)
          .filter((e): e is [string, number] => e[1] !== undefined)
          .map(([cls, hitRate]) => ({ class: cls, hitRate: round(hitRate, 4) as number })),
        missing: missing.slice(0, 20),
      },
      applied: {
        api: spec.api
          ? {
              hpa: spec.api.hpa,
              cpuTarget: after(spec.api.hpa, 'cpuTarget'),
              minReplicas: after(spec.api.hpa, 'minReplicas'),
            }
          : undefined,
        workers: (spec.workers ?? []).map((w) => ({
          queue: w.queue,
          hpa: w.hpa,
          minReplicas: after(w.hpa, 'minReplicas'),
        })),
        cacheTtls: (spec.cache?.classes ?? [])
          .map((c) => ({ class: c.name, ttlSeconds: ttl(c.name) }))
          .filter((c): c is { class: string; ttlSeconds: number } => c.ttlSeconds !== undefined),
      },
      recentDecisions: this.#decisions,
    };
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

/** The HPAs a policy steers. */
export const hpaNames = (spec: ScalingPolicySpec) => [
  ...new Set([...(spec.api ? [spec.api.hpa] : []), ...(spec.workers ?? []).map((w) => w.hpa)]),
];

/** Control-flow errors of reading an HPA, translated to their Event reason in this one place. */
function reasonOf(e: unknown): EventReason {
  if (e instanceof KedaManagedHpaError) return EventReason.KedaManagedHpa;
  if (e instanceof HpaNotFoundError) return EventReason.HpaNotFound;
  if (e instanceof NoCpuMetricError) return EventReason.NoCpuMetric;
  return EventReason.ApplyFailed;
}

function reasonFor(a: Action): EventReason {
  if (a.kind === 'cacheTtl') return EventReason.CacheTtlChanged;
  if (a.kind === 'cpuTarget') return a.to < a.from ? EventReason.CpuTargetLowered : EventReason.CpuTargetRaised;
  return a.to > a.from ? EventReason.FloorRaised : EventReason.FloorLowered;
}
