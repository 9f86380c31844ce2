import {
  histogramQuantile,
  increases,
  mergeBuckets,
  metricCatalog,
  parsePrometheusText,
  type Sample,
  sum,
} from '@avelon/core';
import type { ScrapeTargetSpec } from '../crd/index.ts';
import type { QueueObservation } from '../decide/index.ts';
import { errorText, type MetricQuery, type MetricSource, type SourceReading, withTimeout } from './source.ts';

/** Finds the URLs of a role's pods (EndpointSlices in a cluster, the spec's static URLs outside one). */
export type ResolveTargets = (role: 'api' | 'worker', target: ScrapeTargetSpec) => Promise<string[]>;

const m = metricCatalog;
const wanted = new Set([
  `${m.httpRequestDuration.name}_bucket`,
  m.cacheLookups.name,
  m.cacheLoads.name,
  m.dbQueries.name,
  m.queueJobs.name,
  m.queueOldestWaitingSeconds.name,
  m.queueJobsCompleted.name,
  m.queueJobsFailed.name,
]);

interface Snapshot {
  at: number;
  samples: Sample[];
}

/**
 * Scrapes the services' /metrics itself, no Prometheus needed, and keeps `windowSeconds` of scrapes per
 * target: rates and the p95 come from the increase between the oldest and newest scrape in the window,
 * bucket by bucket, so the p95 is the window's, not the process lifetime's.
 */
export class ScrapeSource implements MetricSource {
  readonly name = 'scrape' as const;
  readonly #resolve: ResolveTargets;
  readonly #timeoutMs: number;
  readonly #history = new Map<string, Snapshot[]>();
  readonly #previousTotals = new Map<string, { at: number; inSystem: number }>();

  constructor(resolve: ResolveTargets, timeoutMs = 1500) {
    this.#resolve = resolve;
    this.#timeoutMs = timeoutMs;
  }

  async read(query: MetricQuery, now: number): Promise<SourceReading> {
    const out: SourceReading = { missing: [] };
    const { scrape, windowSeconds } = query.spec.metrics;
    if (query.app) {
      const pairs = await this.#scrapeRole('api', scrape?.api, windowSeconds, now, out.missing);
      if (pairs) Object.assign(out, appMetrics(pairs));
    }
    if (query.queues.length) {
      const pairs = await this.#scrapeRole('worker', scrape?.worker, windowSeconds, now, out.missing);
      out.queues = {};
      for (const q of query.queues) out.queues[q] = pairs ? this.#queue(q, pairs, now) : undefined;
    }
    return out;
  }

  /** Scrapes every target of a role; returns (latest, oldest in the window) per target that answered. */
  async #scrapeRole(
    role: 'api' | 'worker',
    target: ScrapeTargetSpec | undefined,
    windowS: number,
    now: number,
    missing: string[],
  ) {
    if (!target) {
      missing.push(`scrape: no ${role} target in spec.metrics.scrape`);
      return undefined;
    }
    let urls: string[];
    try {
      urls = await this.#resolve(role, target);
    } catch (e) {
      missing.push(`scrape: finding ${role} targets failed: ${errorText(e)}`);
      return undefined;
    }
    if (urls.length === 0) {
      missing.push(`scrape: no ${role} targets found`);
      return undefined;
    }
    const results = await Promise.all(urls.map((u) => this.#scrapeOne(u, windowS, now)));
    const ok = results.filter((r) => r !== undefined);
    if (ok.length === 0) missing.push(`scrape: none of ${urls.length} ${role} target(s) answered (${urls.join(', ')})`);
    return ok.length ? ok : undefined;
  }

  async #scrapeOne(url: string, windowS: number, now: number) {
    try {
      const res = await withTimeout(fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) }), this.#timeoutMs, url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const samples = parsePrometheusText(await res.text(), (n) => wanted.has(n));
      const list = this.#history.get(url) ?? [];
      list.push({ at: now, samples });
      while (list.length > 1 && (list[0]?.at ?? now) < now - windowS * 1000) list.shift();
      this.#history.set(url, list);
      return { latest: list.at(-1) as Snapshot, oldest: list[0] as Snapshot };
    } catch {
      // A target that stops answering starts a fresh window when it returns (it may have restarted).
      this.#history.delete(url);
      return undefined;
    }
  }

  #queue(
    queue: string,
    pairs: Array<{ latest: Snapshot; oldest: Snapshot }>,
    now: number,
  ): QueueObservation | undefined {
    // Depth gauges describe the whole queue (every replica reports the same): max, not sum.
    const depth = (states: RegExp) =>
      Math.max(
        ...pairs.map((p) =>
          sum(
            p.latest.samples.filter((s) => s.name === m.queueJobs.name),
            { queue, state: states },
          ),
        ),
      );
    if (!pairs.some((p) => p.latest.samples.some((s) => s.name === m.queueJobs.name && s.labels.queue === queue)))
      return undefined;
    const backlog = depth(/^(waiting|prioritized)$/);
    const inSystem = depth(/^(waiting|prioritized|delayed|active)$/);
    const oldest = Math.max(
      0,
      ...pairs.map((p) =>
        sum(
          p.latest.samples.filter((s) => s.name === m.queueOldestWaitingSeconds.name),
          { queue },
        ),
      ),
    );
    const spans = pairs.map((p) => (p.latest.at - p.oldest.at) / 1000).filter((s) => s > 0);
    const completedPerSecond = spans.length
      ? pairs.reduce((acc, p) => {
          const dt = (p.latest.at - p.oldest.at) / 1000;
          if (dt <= 0) return acc;
          const done = sum(increases(p.latest.samples, p.oldest.samples, m.queueJobsCompleted.name), { queue });
          const failed = sum(increases(p.latest.samples, p.oldest.samples, m.queueJobsFailed.name), {
            queue,
            final: 'true',
          });
          return acc + (done + failed) / dt;
        }, 0)
      : undefined;
    // Arrivals by conservation: what left plus what the queue grew by.
    const prev = this.#previousTotals.get(queue);
    this.#previousTotals.set(queue, { at: now, inSystem });
    const arrivalPerSecond =
      prev && completedPerSecond !== undefined && now > prev.at
        ? Math.max(0, completedPerSecond + (inSystem - prev.inSystem) / ((now - prev.at) / 1000))
        : undefined;
    return { backlog, oldestWaitSeconds: oldest, completedPerSecond, arrivalPerSecond, workers: pairs.length };
  }

  async close(): Promise<void> {
    this.#history.clear();
  }
}

/** Latency, request rate, database rate and hit rates from the API targets' window increases. */
function appMetrics(pairs: Array<{ latest: Snapshot; oldest: Snapshot }>): Partial<SourceReading> {
  const span = Math.max(...pairs.map((p) => (p.latest.at - p.oldest.at) / 1000));
  if (span <= 0) return {}; // one scrape so far: no window yet
  const inc = (name: string) => pairs.flatMap((p) => increases(p.latest.samples, p.oldest.samples, name));
  const buckets = mergeBuckets(inc(`${m.httpRequestDuration.name}_bucket`));
  const p95 = histogramQuantile(0.95, buckets);
  const requests = buckets.find((b) => b.le === Number.POSITIVE_INFINITY)?.count ?? 0;
  const lookups = inc(m.cacheLookups.name);
  const loads = inc(m.cacheLoads.name);
  const classes = new Set(lookups.map((s) => s.labels.class).filter((c): c is string => !!c));
  const cacheHitRates: Record<string, number | undefined> = {};
  for (const cls of classes) {
    const total = sum(lookups, { class: cls, tier: 'l1' });
    if (total > 0) cacheHitRates[cls] = Math.min(1, Math.max(0, 1 - sum(loads, { class: cls }) / total));
  }
  return {
    p95LatencyMs: p95 === undefined ? undefined : p95 * 1000,
    requestsPerSecond: requests / span,
    dbQueriesPerSecond: sum(inc(m.dbQueries.name)) / span,
    cacheHitRates,
  };
}
