import { sql } from 'drizzle-orm';

/** Postgres SQLSTATEs the API turns into client errors; the constraint says which. */
export function pgError(error: unknown): { code: string; constraint: string | undefined } | undefined {
  let e: unknown = error;
  // Drizzle wraps driver errors; the Postgres one is the cause.
  for (let i = 0; i < 3 && e instanceof Error; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      return { code, constraint: (e as { constraint?: string }).constraint };
    }
    e = e.cause;
  }
  return undefined;
}

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_CHECK_VIOLATION = '23514';

/**
 * A JS array as one Postgres array parameter (Drizzle would spread it into a list of parameters):
 * sent as JSON text, so any string is safe. Cast the result, e.g. `${pgArray(ids)}::bigint[]`.
 */
export function pgArray(values: readonly (string | number)[]) {
  return sql`ARRAY(SELECT json_array_elements_text(${JSON.stringify(values)}::json))`;
}
