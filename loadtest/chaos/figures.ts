// The load's figures of one experiment, from the generator's own records: error rates (all requests, and
// leaving out the writes the faulted dependency itself had to take part in), latency, requests past the
// client's timeout, and recovery: from the first fault until the last failed request, after which every
// request succeeded to the end of the load.
import type { OwnWrites } from './experiment.ts';
import type { Op, RequestRecord } from './load.ts';

/** How long success must have lasted at the end of the load for the run to count as recovered. */
export const STEADY_MS = 5000;

export interface Mark {
  label: string;
  /** ms since the load started. */
  at: number;
}

export interface LoadFigures {
  requests: number;
  failed: number;
  errorRate: number;
  /** Failures other than the faulted dependency's own writes. */
  failedOutside: number;
  errorRateOutside: number;
  /** Requests of the faulted dependency's own writes, and how many of them failed. */
  ownWrites: number;
  ownWritesFailed: number;
  /** Failures that ended before the first fault (the baseline). */
  failedBeforeFault: number;
  /** Failures by "status code" ("0 client-timeout" when there was no answer). */
  failures: Record<string, number>;
  /** Requests and failures by operation. */
  byOp: Record<Op, { requests: number; failed: number }>;
  latencyMs: { p50: number; p99: number; max: number };
  pastTimeout: number;
  /** First fault → end of the last failed request; 0 when nothing failed after the fault. */
  recoveryMs: number;
  /** Success lasted STEADY_MS or more at the end of the load. */
  recovered: boolean;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);

/** True for requests the faulted dependency takes part in writing (they may fail cleanly). */
export function isOwnWrite(record: RequestRecord, ownWrites: OwnWrites): boolean {
  return ownWrites === 'primary' && record.kind === 'write';
}

export function loadFigures(
  records: RequestRecord[],
  marks: Mark[],
  ownWrites: OwnWrites,
  durationMs: number,
): LoadFigures {
  const faultAt = marks[0]?.at ?? 0;
  const failedRecords = records.filter((r) => !r.ok);
  const outside = failedRecords.filter((r) => !isOwnWrite(r, ownWrites));
  const own = records.filter((r) => isOwnWrite(r, ownWrites));
  const failures: Record<string, number> = {};
  for (const r of failedRecords) {
    const key = `${r.status} ${r.code ?? ''}`.trim();
    failures[key] = (failures[key] ?? 0) + 1;
  }
  const byOp: LoadFigures['byOp'] = {
    browse: { requests: 0, failed: 0 },
    'cart-add': { requests: 0, failed: 0 },
    checkout: { requests: 0, failed: 0 },
  };
  for (const r of records) {
    byOp[r.op].requests++;
    if (!r.ok) byOp[r.op].failed++;
  }
  const latencies = records.map((r) => r.ms).sort((a, b) => a - b);
  const afterFault = failedRecords.filter((r) => r.at + r.ms >= faultAt);
  const lastFailureEnd = Math.max(faultAt, ...afterFault.map((r) => r.at + r.ms));
  return {
    requests: records.length,
    failed: failedRecords.length,
    errorRate: records.length ? failedRecords.length / records.length : 0,
    failedOutside: outside.length,
    errorRateOutside: records.length ? outside.length / records.length : 0,
    ownWrites: own.length,
    ownWritesFailed: own.filter((r) => !r.ok).length,
    failedBeforeFault: failedRecords.length - afterFault.length,
    failures,
    byOp,
    latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
    pastTimeout: records.filter((r) => r.timedOut).length,
    recoveryMs: afterFault.length ? lastFailureEnd - faultAt : 0,
    recovered: durationMs - lastFailureEnd >= STEADY_MS,
  };
}
