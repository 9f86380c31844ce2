// A run in phases (the spike scenario: base rate, 10× the rate, base rate again): every request is
// assigned to the phase in which it was SENT, so a backlog built during the spike and answered late
// still counts against the spike, and the recovery after it is read from the requests sent after it.
import { type LatencySummary, summarize } from './percentiles.ts';

/** One request as the generator recorded it. */
export interface TimedResult {
  /** When it was sent, in ms (any origin shared with the phases). */
  at: number;
  latencyMs: number;
  /** HTTP status; 0 when no answer came (timeout, connection refused or reset). */
  code: number;
}

/** A phase is [from, to) on the same clock as the results. */
export interface Phase {
  name: string;
  from: number;
  to: number;
}

export interface PhaseStats extends LatencySummary {
  name: string;
  /** Requests sent a second during the phase. */
  sentPerSecond: number;
  /** Requests that failed: no answer, or a status of 400 or more. */
  errors: number;
  /** Failed requests by status ("0" = no answer). */
  errorsByCode: Record<string, number>;
}

const isError = (r: TimedResult): boolean => r.code === 0 || r.code >= 400;

function stats(name: string, results: readonly TimedResult[], seconds: number): PhaseStats {
  const errorsByCode: Record<string, number> = {};
  for (const r of results) if (isError(r)) errorsByCode[r.code] = (errorsByCode[r.code] ?? 0) + 1;
  return {
    name,
    ...summarize(results.map((r) => r.latencyMs)),
    sentPerSecond: seconds > 0 ? results.length / seconds : 0,
    errors: Object.values(errorsByCode).reduce((a, b) => a + b, 0),
    errorsByCode,
  };
}

/** Figures per phase, in the order given; results outside every phase are left out. */
export function splitPhases(results: readonly TimedResult[], phases: readonly Phase[]): PhaseStats[] {
  return phases.map((p) =>
    stats(
      p.name,
      results.filter((r) => r.at >= p.from && r.at < p.to),
      (p.to - p.from) / 1000,
    ),
  );
}

export interface RecoveryOptions {
  /** Width of the windows the tail is judged in. */
  windowMs: number;
  /** A window is back to normal when its p99 is at most max(factor × baseline p99, baseline p99 + slackMs)… */
  factor: number;
  slackMs: number;
  /** …and at most this share of its requests failed. */
  maxErrorShare: number;
}

const recoveryDefaults: RecoveryOptions = { windowMs: 2000, factor: 2, slackMs: 20, maxErrorShare: 0.01 };

/**
 * Seconds from `from` (the end of the spike) to the start of the first window after which every window
 * is back to normal against `baselineP99Ms`; 0 when the first one already is, null when the run ends
 * before it recovers. Windows without requests say nothing and are skipped.
 */
export function recoverySeconds(
  results: readonly TimedResult[],
  from: number,
  to: number,
  baselineP99Ms: number,
  o: RecoveryOptions = recoveryDefaults,
): number | null {
  const bound = Math.max(o.factor * baselineP99Ms, baselineP99Ms + o.slackMs);
  const windows: Array<{ start: number; ok: boolean }> = [];
  for (let start = from; start < to; start += o.windowMs) {
    const mine = results.filter((r) => r.at >= start && r.at < Math.min(start + o.windowMs, to));
    if (mine.length === 0) continue;
    const s = stats('', mine, 1);
    windows.push({ start, ok: s.p99 <= bound && s.errors / mine.length <= o.maxErrorShare });
  }
  let recoveredAt: number | null = null;
  for (const w of windows) {
    if (!w.ok) recoveredAt = null;
    else recoveredAt ??= w.start;
  }
  return recoveredAt === null ? null : (recoveredAt - from) / 1000;
}
