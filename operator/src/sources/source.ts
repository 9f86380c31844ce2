import type { ScalingPolicySpec } from '../crd/index.ts';
import type { QueueObservation } from '../decide/index.ts';

/** The metric sources, by the name a policy uses (`spec.metrics.source` / `queueSource`). */
export type SourceName = 'scrape' | 'prometheus' | 'bullmq';

/**
 * What one source could read. A value left out was not measured; when that is a failure (target down,
 * query empty, key absent) the reason is in `missing` — never a 0 that would read as "no load".
 */
export interface SourceReading {
  p95LatencyMs?: number;
  requestsPerSecond?: number;
  dbQueriesPerSecond?: number;
  cacheHitRates?: Record<string, number | undefined>;
  /** Per queue asked for; a queue left out or undefined could not be read. */
  queues?: Record<string, QueueObservation | undefined>;
  missing: string[];
}

/** What a policy asks of its sources this evaluation. */
export interface MetricQuery {
  spec: ScalingPolicySpec;
  /** Read API latency, cache and database metrics (the `source`). */
  app: boolean;
  /** Read these queues (the `queueSource`). */
  queues: string[];
}

/**
 * One metric source, like a KEDA scaler: read what a policy needs, and close. A source keeps whatever
 * state it needs between reads (the scrape source keeps a window of scrapes), so one instance serves
 * one policy. `read` never throws for an unreachable backend: it reports the metric as missing.
 */
export interface MetricSource {
  readonly name: SourceName;
  read(query: MetricQuery, now: number): Promise<SourceReading>;
  close(): Promise<void>;
}

/** Runs `work` with a deadline, so one hung backend cannot stall the whole evaluation. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
