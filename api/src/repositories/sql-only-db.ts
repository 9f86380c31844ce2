import { type Db, schema } from '@avelon/core';
import { drizzle } from 'drizzle-orm/node-postgres';

/**
 * A connection-less Drizzle instance for tests of the SQL the repositories build (`.toSQL()`): any
 * attempt to run a query on it fails. Typed as Db so the repositories' query builders accept it.
 */
export const sqlOnlyDb = drizzle.mock({ schema }) as unknown as Db;

/** A table case of a SQL-shape test: fragments the statement must contain and, optionally, its parameters. */
export interface SqlCase {
  name: string;
  query: () => { toSQL(): { sql: string; params: unknown[] } };
  has: string[];
  params?: unknown[];
}

/** Checks one SqlCase; the message shows the whole statement. */
export function checkSql(c: SqlCase): void {
  const { sql, params } = c.query().toSQL();
  for (const part of c.has) if (!sql.includes(part)) throw new Error(`${part}\n  not in\n${sql}`);
  if (c.params && JSON.stringify(params) !== JSON.stringify(c.params)) {
    throw new Error(`params ${JSON.stringify(params)} !== ${JSON.stringify(c.params)}`);
  }
}
