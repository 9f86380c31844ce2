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
    help: 'Rate-limit checks that could not reach Redis, by limit and what the policy did (allowed = fail open, rejected = fail closed).',
    labelNames: ['limit', 'action'],
  }),
  rateLimitFailOpen: def({
    name: 'avelon_ratelimit_fail_open',
    type: 'gauge',
    help: '1 when the rate limiter lets requests through while Redis is unreachable (fail open), 0 when it rejects them (fail closed).',
    labelNames: [],
  }),
};
