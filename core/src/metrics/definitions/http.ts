import { defineMetric as def } from '../define.ts';

/** HTTP: request latency and volume of the API, by route template (never by raw URL). */
export const httpMetrics = {
  httpRequestDuration: def({
    name: 'avelon_http_request_duration_seconds',
    type: 'histogram',
    help: 'Time from request start to response sent, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'],
    // Fine below 50 ms, where the p95 SLO lives (5-50 ms).
    buckets: [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1],
  }),
  httpDbQueriesPerRequest: def({
    name: 'avelon_http_db_queries_per_request',
    type: 'gauge',
    help: 'Database queries sent per HTTP request answered, over the interval since the previous scrape.',
    labelNames: [],
  }),
};
