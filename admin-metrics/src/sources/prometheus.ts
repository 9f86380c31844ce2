import type { RangeData } from '../history/history.ts';
import { panels } from '../panels/catalog.ts';
import { legendOf, roles } from '../panels/scrape-view.ts';
import { type Collector, type SourceState, seriesId, type Tick } from './types.ts';

interface PromVector {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

/**
 * Prometheus mode: the panels' PromQL over Prometheus's HTTP API. Ticks are instant queries (live
 * updates), ranges are `query_range` (history is Prometheus's, not ours). An empty answer is no value,
 * never zero; Prometheus unreachable marks every source unreachable.
 */
export class PrometheusCollector implements Collector {
  readonly mode = 'prometheus' as const;
  readonly #base: string;
  readonly #timeoutMs: number;
  #lastOk?: number;

  constructor(baseUrl: string, timeoutMs: number) {
    this.#base = baseUrl.replace(/\/$/, '');
    this.#timeoutMs = timeoutMs;
  }

  async #query(path: string, params: Record<string, string>): Promise<PromVector[]> {
    const res = await fetch(`${this.#base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: PromVector[] };
    };
    if (body.status !== 'success') throw new Error(body.error ?? `HTTP ${res.status}`);
    return body.data?.resultType === 'vector' || body.data?.resultType === 'matrix' ? body.data.result : [];
  }

  async tick(now: number): Promise<Tick> {
    const values: Record<string, number> = {};
    let error: string | undefined;
    await Promise.all(
      panels.flatMap((panel) =>
        panel.families.map(async (f) => {
          try {
            for (const r of await this.#query('/api/v1/query', { query: f.promql, time: String(now / 1000) })) {
              const v = Number(r.value?.[1]);
              if (Number.isFinite(v)) values[seriesId(panel.id, f.id, legendOf(f.legend, r.metric))] = v;
            }
          } catch (e) {
            error ??= `${this.#base}: ${(e as Error).message}`;
          }
        }),
      ),
    );
    if (!error) this.#lastOk = now;
    const state = (role: (typeof roles)[number]): SourceState => ({
      role,
      state: error ? 'unreachable' : 'up',
      up: error ? 0 : 1,
      total: 1,
      lastOk: this.#lastOk,
      ...(error ? { error } : {}),
    });
    return { time: now, values, sources: roles.map(state) };
  }

  /** Every panel's series over the last `seconds`, about 300 points each. */
  async range(seconds: number, now: number): Promise<RangeData> {
    const step = Math.max(5, Math.round(seconds / 300));
    const end = Math.floor(now / 1000);
    // The grid ends at now, not at a multiple of the step: the newest points (up to a step, ~5 min on
    // the 24 h view) would otherwise never show.
    const count = Math.floor(seconds / step);
    const start = end - count * step;
    const times = Array.from({ length: count + 1 }, (_, i) => (start + i * step) * 1000);
    const at = new Map(times.map((t, i) => [t / 1000, i]));
    const series: RangeData['series'] = {};
    await Promise.all(
      panels.flatMap((panel) =>
        panel.families.map(async (f) => {
          const result = await this.#query('/api/v1/query_range', {
            query: f.promql,
            start: String(start),
            end: String(end),
            step: String(step),
          }).catch(() => []);
          for (const r of result) {
            const column: Array<number | null> = times.map(() => null);
            for (const [t, v] of r.values ?? []) {
              const i = at.get(Math.round(t));
              const n = Number(v);
              if (i !== undefined && Number.isFinite(n)) column[i] = n;
            }
            series[seriesId(panel.id, f.id, legendOf(f.legend, r.metric))] = column;
          }
        }),
      ),
    );
    return { stepSeconds: step, times, series };
  }
}
