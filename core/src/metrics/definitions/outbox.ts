import { defineMetric as def } from '../define.ts';

/**
 * The transactional outbox (core/src/outbox, worker/src/outbox): jobs committed with their change
 * but not yet on the queue. The gauges describe the whole table, so every worker replica reports the
 * same value: aggregate them with max(), not sum().
 */
export const outboxMetrics = {
  outboxPendingRows: def({
    name: 'avelon_outbox_pending_rows',
    type: 'gauge',
    help: 'Rows in the outbox (jobs not yet enqueued, including parked ones), read from Postgres at scrape time.',
    labelNames: [],
  }),
  outboxOldestPendingSeconds: def({
    name: 'avelon_outbox_oldest_pending_seconds',
    type: 'gauge',
    help: 'Age of the oldest outbox row (0 when empty): how long a committed job has waited for the queue.',
    labelNames: [],
  }),
  outboxRelayed: def({
    name: 'avelon_outbox_relayed_total',
    type: 'counter',
    help: 'Outbox rows the relay handled, by outcome: enqueued (row deleted), retry (enqueue failed, backed off) or parked (invalid payload, kept for a human).',
    labelNames: ['kind', 'outcome'],
  }),
};
