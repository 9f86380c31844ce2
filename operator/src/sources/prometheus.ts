import { metricCatalog } from '@avelon/core';
import type { QueueObservation } from '../decide/index.ts';
import { errorText, type MetricQuery, type MetricSource, type SourceReading } from './source.ts';

const m = metricCatalog;

/** One sample of an instant vector from Prometheus' /api/v1/query. */
interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * PromQL over Prometheus' HTTP API. Unlike KEDA's Prometheus scaler, an empty result is never read as
 * 0: no series means the selector matches nothing or the targets are gone, so the metric is missing.
 * NaN (a quantile over no requests) means idle and is left out without counting as missing.
 */
export class PrometheusSource implements MetricSource {
  readonly name = 'prometheus' as const;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(timeoutMs = 1500, fetchImpl: typeof fetch = fetch) {
    this.#timeoutMs = timeoutMs;
    this.#fetch = fetchImpl;
  }

  async read(query: MetricQuery, now: number): Promise<SourceReading> {
    const prom = query.spec.metrics.prometheus;
    const out: SourceReading = { missing: [] };
    if (!prom) {
      out.missing.push('prometheus: spec.metrics.prometheus.url is not set');
      return out;
    }
    const w = `${query.spec.metrics.windowSeconds}s`;
    const api = prom.apiSelector;
    const wk = prom.workerSelector;
    const q = (promql: string) => this.#query(prom.url, promql, now);
    const tasks: Array<Promise<void>> = [];
    const one = (what: string, promql: string, set: (v: VectorSample[]) => void) =>
      tasks.push(
        q(promql).then(
          (v) => (v.length ? set(v) : void out.missing.push(`prometheus: ${what}: no series for ${promql}`)),
          (e) => void out.missing.push(`prometheus: ${what}: ${errorText(e)}`),
        ),
      );
    if (query.app) {
      one(
        'p95',
        `histogram_quantile(0.95, sum by (le) (rate(${m.httpRequestDuration.name}_bucket{${api}}[${w}])))`,
        (v) => {
          const s = num(v[0]);
          if (s !== undefined) out.p95LatencyMs = s * 1000;
        },
      );
      one('requests', `sum(rate(${m.httpRequestDuration.name}_count{${api}}[${w}]))`, (v) => {
        out.requestsPerSecond = num(v[0]);
      });
      one('db', `sum(rate(${m.dbQueries.name}{${api}}[${w}]))`, (v) => {
        out.dbQueriesPerSecond = num(v[0]);
      });
      one(
        'hit rate',
        `1 - sum by (class) (rate(${m.cacheLoads.name}{${api}}[${w}])) / sum by (class) (rate(${m.cacheLookups.name}{${join(api, 'tier="l1"')}}[${w}]))`,
        (v) => {
          out.cacheHitRates = Object.fromEntries(v.map((s) => [s.metric.class ?? '', num(s)]));
        },
      );
    }
    if (query.queues.length) {
      const byQueue: Record<string, Partial<QueueObservation>> = {};
      const set = (field: keyof QueueObservation) => (v: VectorSample[]) => {
        for (const s of v) {
          const name = s.metric.queue;
          if (!name) continue;
          byQueue[name] ??= {};
          (byQueue[name] as Partial<QueueObservation>)[field] = num(s) ?? 0;
        }
      };
      one(
        'backlog',
        `sum by (queue) (max by (queue, state) (${m.queueJobs.name}{${join(wk, 'state=~"waiting|prioritized"')}}))`,
        set('backlog'),
      );
      one('oldest', `max by (queue) (${m.queueOldestWaitingSeconds.name}{${wk}})`, set('oldestWaitSeconds'));
      one('completed', `sum by (queue) (rate(${m.queueJobsCompleted.name}{${wk}}[${w}]))`, set('completedPerSecond'));
      one('arrivals', `sum by (queue) (rate(${m.queueJobsEnqueued.name}[${w}]))`, set('arrivalPerSecond'));
      await Promise.all(tasks);
      out.queues = {};
      for (const name of query.queues) {
        const o = byQueue[name];
        out.queues[name] = o?.backlog === undefined ? undefined : { oldestWaitSeconds: 0, ...o, backlog: o.backlog };
        if (!out.queues[name]) out.missing.push(`prometheus: queue ${name}: no depth series`);
      }
      return out;
    }
    await Promise.all(tasks);
    return out;
  }

  async #query(base: string, promql: string, now: number): Promise<VectorSample[]> {
    const url = new URL('/api/v1/query', base);
    url.searchParams.set('query', promql);
    url.searchParams.set('time', String(now / 1000));
    const res = await this.#fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
    const body = (await res.json().catch(() => ({}))) as {
      status?: string;
      error?: string;
      data?: { resultType?: string; result?: VectorSample[] };
    };
    if (!res.ok || body.status !== 'success') throw new Error(`HTTP ${res.status}: ${body.error ?? 'query failed'}`);
    if (body.data?.resultType !== 'vector') throw new Error(`expected a vector, got ${body.data?.resultType}`);
    return body.data.result ?? [];
  }

  async close(): Promise<void> {}
}

const join = (...matchers: string[]) => matchers.filter(Boolean).join(',');
/** A sample's value; NaN and infinities (a quantile of nothing) are no value. */
const num = (s: VectorSample | undefined) => {
  const v = Number(s?.value[1]);
  return Number.isFinite(v) ? v : undefined;
};
