import type { DecisionRecord } from '@avelon/core';
import type { History, RangeData } from './history/history.ts';
import { panels, type TargetContext } from './panels/catalog.ts';
import type { DecisionFeed } from './sources/decisions.ts';
import type { PrometheusCollector } from './sources/prometheus.ts';
import type { Collector, SourceState, Tick } from './sources/types.ts';

/** A decision with the chart it belongs on. */
export type PlacedDecision = DecisionRecord & { panel: string | null };

/** What one live update carries (one SSE `tick` event). */
export interface LiveUpdate {
  tick: Tick;
  operator: OperatorState;
  decisions: PlacedDecision[];
}

export interface OperatorState {
  state: DecisionFeed['state'];
  lastOk?: number;
  error?: string;
}

/** Ranges the page offers; 24 h needs the coarse history (scrape mode) or Prometheus. */
export const ranges = { '5m': 300, '1h': 3600, '24h': 86_400 } as const;
export type RangeName = keyof typeof ranges;

/**
 * The dashboard's running state: one collector read every interval (into the history in scrape mode),
 * the operator's decision feed polled alongside, and the listeners of live updates (SSE).
 */
export class Live {
  readonly #collector: Collector;
  readonly #history?: History;
  readonly #prometheus?: PrometheusCollector;
  readonly #feed: DecisionFeed;
  readonly #intervalMs: number;
  readonly #listeners = new Set<(u: LiveUpdate) => void>();
  readonly #targets: Omit<TargetContext, 'policies'>;
  #last?: Tick;
  #timer?: NodeJS.Timeout;
  #stopped = false;

  constructor(o: {
    collector: Collector;
    history?: History;
    prometheus?: PrometheusCollector;
    feed: DecisionFeed;
    intervalMs: number;
    targets: Omit<TargetContext, 'policies'>;
  }) {
    this.#collector = o.collector;
    this.#history = o.history;
    this.#prometheus = o.prometheus;
    this.#feed = o.feed;
    this.#intervalMs = o.intervalMs;
    this.#targets = o.targets;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  start(): void {
    const loop = async () => {
      const started = Date.now();
      await this.step(started).catch(() => {});
      if (!this.#stopped) this.#timer = setTimeout(loop, Math.max(0, this.#intervalMs - (Date.now() - started)));
    };
    void loop();
  }

  /** One reading: collect, record, poll decisions, tell the listeners. Public for tests. */
  async step(now: number): Promise<LiveUpdate> {
    const [tick, fresh] = await Promise.all([this.#collector.tick(now), this.#feed.poll(now)]);
    this.#last = tick;
    this.#history?.append(now, new Map(Object.entries(tick.values)));
    const update = { tick, operator: this.operator(), decisions: fresh.map(place) };
    for (const l of this.#listeners) l(update);
    return update;
  }

  operator(): OperatorState {
    return { state: this.#feed.state, lastOk: this.#feed.lastOk, error: this.#feed.error };
  }

  subscribe(listener: (u: LiveUpdate) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get sources(): SourceState[] {
    return this.#last?.sources ?? [];
  }

  /** Everything the page needs to draw a range: panels with their targets, series, decisions, states. */
  async overview(range: RangeName, now = Date.now()) {
    const seconds = ranges[range];
    const from = now - seconds * 1000;
    let data: RangeData;
    if (this.#prometheus) data = await this.#prometheus.range(seconds, now);
    else if (this.#history) data = this.#history.range(from);
    else data = { stepSeconds: this.#intervalMs / 1000, times: [], series: {} };
    const ctx: TargetContext = { ...this.#targets, policies: this.#feed.policies };
    return {
      mode: this.#collector.mode,
      range,
      now,
      intervalMs: this.#intervalMs,
      historySeconds: this.#history ? this.#history.o.fineSeconds : null,
      panels: panels.map((p) => ({
        id: p.id,
        section: p.section,
        title: p.title,
        help: p.help,
        unit: p.unit,
        targets: p.targets?.(ctx) ?? [],
        hasDecisions: !!p.decisions,
        roles: [...new Set(p.families.map((f) => f.role))],
      })),
      data,
      decisions: this.#feed.since(from).map(place),
      sources: this.sources,
      operator: this.operator(),
    };
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}

/** The chart a decision is drawn on: the one whose metric it reacted to. */
function place(d: DecisionRecord): PlacedDecision {
  return { ...d, panel: panels.find((p) => p.decisions?.(d))?.id ?? null };
}
