// How the benchmarks start the API "as installed by default": every rate limit on, as shipped, but set out
// of reach, so each request still pays the limiter's Redis round trip while no measurement is cut short by a
// 429 (a bench signs in the same admin on every run, and sends more than a client address is allowed).
const unreachable = '1000000000';

/** Environment of a benchmark's API process (on top of the stack's). */
export const benchApiEnv: Readonly<Record<string, string>> = {
  // info: the start-up line says where it listens; nothing is logged per request.
  LOG_LEVEL: 'info',
  DOCS_ENABLED: 'false',
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_GENERAL_MAX: unreachable,
  RATE_LIMIT_WRITES_MAX: unreachable,
  RATE_LIMIT_AUTH_MAX: unreachable,
  RATE_LIMIT_AUTH_EMAIL_MAX: unreachable,
  RATE_LIMIT_CHECKOUT_MAX: unreachable,
};
