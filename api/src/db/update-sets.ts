import { type SQL, sql } from 'drizzle-orm';

/**
 * The SET list of a partial update: `column = value` for each field the body carries, then
 * `updated_at = now()`. Only fields named in `columns` can be written (no mass assignment).
 */
export function updateSets<B extends object>(
  body: B,
  columns: Partial<Record<keyof B, string>>,
  value: (field: keyof B, v: unknown) => SQL = (_field, v) => sql`${v}`,
): SQL[] {
  const sets: SQL[] = [];
  for (const field of Object.keys(columns) as Array<keyof B>) {
    const column = columns[field];
    const v = body[field];
    if (column !== undefined && v !== undefined) sets.push(sql`${sql.raw(column)} = ${value(field, v)}`);
  }
  sets.push(sql`updated_at = now()`);
  return sets;
}
