import { defineMetric as def } from '../define.ts';

/** Rate limiting of the API. */
export const rateLimitMetrics = {
  rateLimitRejections: def({
    name: 'avelon_ratelimit_rejections_total',
    type: 'counter',
    help: 'Requests answered 429, by limit (general, auth_ip, auth_email, checkout, writes).',
    labelNames: ['limit'],
  }),
  rateLimitStoreErrors: def({
    name: 'avelon_ratelimit_store_errors_total',
    type: 'counter',
    help: 'Rate-limit checks made while Redis was unreachable, by limit and what the policy did (allowed = fail open: let through, the general limit on this instance’s counts alone; rejected = fail closed, 503).',
    labelNames: ['limit', 'action'],
  }),
  rateLimitFailOpen: def({
    name: 'avelon_ratelimit_fail_open',
    type: 'gauge',
    help: '1 when the rate limiter lets requests through while Redis is unreachable (fail open), 0 when it rejects them (fail closed).',
    labelNames: [],
  }),
  rateLimitLocalDecisions: def({
    name: 'avelon_ratelimit_local_decisions_total',
    type: 'counter',
    help: 'Rate-limit checks decided in this process without a Redis round trip, by limit (general; the specific limits ask Redis every time).',
    labelNames: ['limit'],
  }),
  rateLimitSyncs: def({
    name: 'avelon_ratelimit_syncs_total',
    type: 'counter',
    help: 'Batches of local rate-limit counts reconciled with Redis (one pipeline, one increment per client key with hits).',
    labelNames: [],
  }),
  rateLimitSyncFailures: def({
    name: 'avelon_ratelimit_sync_failures_total',
    type: 'counter',
    help: 'Reconciliations with Redis that failed; their hits are kept and sent with the next one.',
    labelNames: [],
  }),
};
