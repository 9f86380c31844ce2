// The outbox relay: enqueues the jobs the API committed to the outbox but could not enqueue itself
// (the queue Redis was down). Runs in every worker replica; see docs/workers.md, "The outbox".
import {
  type Db,
  deleteOutboxRows,
  InvalidJobPayloadError,
  type JobKind,
  jobPayloads,
  type Logger,
  metric,
  metricCatalog,
  type OutboxProducer,
} from '@avelon/core';
import type { Registry } from 'prom-client';
import { retryDelayMs } from './backoff.ts';
import { type ClaimedRow, claimDue, type RowFailure, recordFailures } from './store.ts';

export interface OutboxRelayOptions {
  /** The primary through PgBouncer (the worker's DatabaseRouter.primary). */
  db: Db;
  /** A fail-fast producer: an enqueue that cannot reach Redis fails within QUEUE_ENQUEUE_TIMEOUT_MS. */
  producer: OutboxProducer;
  registry: Registry;
  logger: Logger;
  intervalMs: number;
  batchSize: number;
  /** How long a claim keeps a row from other relays; must outlast one batch's enqueues. */
  leaseMs: number;
  backoffMs: number;
  backoffMaxMs: number;
}

/** What one pass did (tests and the loop read it). */
export interface RelayPass {
  claimed: number;
  enqueued: number;
  retried: number;
  parked: number;
}

/**
 * Every `intervalMs` (±20 %, so replicas drift apart) claims a batch of due outbox rows, enqueues each
 * with its deterministic job id, deletes the rows that made it and backs off the others. A full batch
 * that went through is followed by the next pass at once, so a backlog drains at queue speed.
 */
export class OutboxRelay {
  readonly #o: OutboxRelayOptions;
  readonly #relayed;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;
  #lastLoggedAt = 0;

  constructor(options: OutboxRelayOptions) {
    this.#o = options;
    this.#relayed = metric(options.registry, metricCatalog.outboxRelayed);
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops the loop and waits for the pass in flight (bounded by the enqueue timeout). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => {});
  }

  /** One pass: claim, enqueue, settle. */
  async pass(): Promise<RelayPass> {
    const rows = await claimDue(this.#o.db, this.#o.batchSize, this.#o.leaseMs);
    const done: number[] = [];
    const failures: RowFailure[] = [];
    await Promise.all(
      rows.map(async (row) => {
        try {
          await this.#enqueue(row);
          done.push(row.id);
          this.#relayed.labels(row.kind, 'enqueued').inc();
        } catch (error) {
          failures.push(this.#failure(row, error));
        }
      }),
    );
    await deleteOutboxRows(this.#o.db, done);
    await recordFailures(this.#o.db, failures);
    const parked = failures.filter((f) => f.retryInMs === undefined).length;
    if (failures.length > parked) {
      this.#throttledWarn(
        { rows: failures.length - parked, err: failures[0]?.error },
        'outbox rows not enqueued; retrying',
      );
    }
    return { claimed: rows.length, enqueued: done.length, retried: failures.length - parked, parked };
  }

  #enqueue(row: ClaimedRow): Promise<unknown> {
    if (!Object.hasOwn(jobPayloads, row.kind)) {
      return Promise.reject(new InvalidJobPayloadError(row.kind, new Error(`unknown job kind "${row.kind}"`)));
    }
    const kind = row.kind as JobKind;
    // The producer validates the payload against the kind's current schema and uses jobId(kind, payload).
    return this.#o.producer.enqueue(kind, row.payload as never);
  }

  #failure(row: ClaimedRow, error: unknown): RowFailure {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof InvalidJobPayloadError) {
      const reason = `${message}: ${(error.cause as Error | undefined)?.message ?? ''}`;
      // No retry can fix the payload (a schema changed under a waiting row, or a bug): keep the row,
      // out of the relay's way, for a human; the pending gauge stays above 0 until one acts.
      this.#relayed.labels(row.kind, 'parked').inc();
      this.#o.logger.error({ outboxId: row.id, jobId: row.jobId, err: reason }, 'outbox row parked: invalid payload');
      return { id: row.id, error: reason, retryInMs: undefined };
    }
    this.#relayed.labels(row.kind, 'retry').inc();
    return {
      id: row.id,
      error: message,
      retryInMs: retryDelayMs(row.attempts, this.#o.backoffMs, this.#o.backoffMaxMs),
    };
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#loop(), ms);
  }

  async #loop(): Promise<void> {
    const interval = () => Math.round(this.#o.intervalMs * (0.8 + 0.4 * Math.random()));
    const run = this.pass().then(
      (p) => (p.claimed === this.#o.batchSize && p.enqueued === p.claimed ? 0 : interval()),
      (error: Error) => {
        // The database is unreachable (or PgBouncer is): the rows are safe where they are.
        this.#throttledWarn({ err: error.message }, 'outbox relay pass failed');
        return interval();
      },
    );
    this.#running = run;
    const next = await run;
    this.#running = undefined;
    this.#schedule(next);
  }

  // An outage fails every pass; one line per 30 s says so without flooding the log.
  #throttledWarn(fields: object, message: string): void {
    const now = Date.now();
    if (now - this.#lastLoggedAt < 30_000) return;
    this.#lastLoggedAt = now;
    this.#o.logger.warn(fields, message);
  }
}
