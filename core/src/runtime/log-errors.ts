// Errors as they go into logs, without personal data: a failed query's parameters and Postgres'
// `detail` carry the values of a row (emails, names), and messages may quote a value.

const EMAIL = /[^\s@"'(),;:<>[\]=]+@[^\s@"'(),;:<>[\]=]+\.[A-Za-z]{2,}/g;
// drizzle's DrizzleQueryError message: "Failed query: <sql>\nparams: <values>".
const PARAMS = /\nparams:[^\n]*/g;
// Properties that hold row values: pg's detail/where of a constraint error, drizzle's params.
const DROPPED = new Set(['params', 'parameters', 'detail', 'values', 'stack', 'message', 'cause', 'errors']);

const scrub = (text: string): string => text.replace(PARAMS, '\nparams: [redacted]').replace(EMAIL, '[email]');

/**
 * pino's `err` serializer: type, message, stack and plain properties (code, constraint, table...), with
 * query parameters dropped and email addresses masked; causes and aggregated errors likewise.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> | string {
  if (!(error instanceof Error)) return typeof error === 'string' ? scrub(error) : scrub(String(error));
  const out: Record<string, unknown> = {
    type: error.constructor?.name ?? 'Error',
    message: scrub(error.message),
    stack: error.stack ? scrub(error.stack) : undefined,
  };
  for (const [key, value] of Object.entries(error)) {
    if (DROPPED.has(key)) continue;
    if (typeof value === 'string') out[key] = scrub(value);
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  if (depth < 3 && error.cause !== undefined) out.cause = serializeError(error.cause, depth + 1);
  if (depth < 3 && error instanceof AggregateError) out.errors = error.errors.map((e) => serializeError(e, depth + 1));
  return out;
}
