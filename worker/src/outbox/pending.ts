import { type Db, metric, metricCatalog } from '@avelon/core';
import type { Registry } from 'prom-client';
import { pendingStats } from './store.ts';

/**
 * The outbox gauges, read from Postgres when /metrics is scraped: rows waiting and the age of the
 * oldest. The whole table, so every replica reports the same values (aggregate with max).
 */
export class OutboxGauges {
  readonly #db: Db;
  readonly #rows;
  readonly #oldest;

  constructor(registry: Registry, db: Db) {
    this.#db = db;
    this.#rows = metric(registry, metricCatalog.outboxPendingRows);
    this.#oldest = metric(registry, metricCatalog.outboxOldestPendingSeconds);
  }

  /** Reads the table now; on a database error the gauges keep their last values. */
  async refresh(): Promise<void> {
    const stats = await pendingStats(this.#db);
    this.#rows.set(stats.rows);
    this.#oldest.set(stats.oldestSeconds);
  }
}
