// What the database holds, as one digest per table (row count and an md5 of the sorted row hashes), to
// prove that a refused request changed nothing. Every table of the public schema is included, so a new
// table is covered without a change here. The WAL position is a cheap first check: if it has not
// moved, no row can have changed, and the full digest is skipped.
import type pg from 'pg';

/** Row count and content hash of each table, by name. */
export type DbDigest = Map<string, string>;

/** The digests and the WAL position they were taken at. */
export interface DbState {
  lsn: string;
  tables: DbDigest;
}

async function tableNames(db: pg.Pool): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  return rows.map((r) => r.name);
}

async function digest(db: pg.Pool): Promise<DbDigest> {
  const names = await tableNames(db);
  const sql = names
    .map(
      (name) =>
        `SELECT '${name}' AS name, count(*)::text || ':' || md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS digest
         FROM (SELECT md5(t::text) AS h FROM public."${name}" t) x`,
    )
    .join(' UNION ALL ');
  const { rows } = await db.query<{ name: string; digest: string }>(sql);
  return new Map(rows.map((r) => [r.name, r.digest]));
}

const walPosition = async (db: pg.Pool) =>
  (await db.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows[0]?.lsn ?? '';

/** The state now (always a full digest). */
export async function dbState(db: pg.Pool): Promise<DbState> {
  const lsn = await walPosition(db);
  return { lsn, tables: await digest(db) };
}

/**
 * The state now and the tables that differ from `before` (empty when nothing changed). Reads the full
 * digest only when the WAL moved.
 */
export async function dbChanges(db: pg.Pool, before: DbState): Promise<{ state: DbState; changed: string[] }> {
  const lsn = await walPosition(db);
  if (lsn === before.lsn) return { state: before, changed: [] };
  const tables = await digest(db);
  const names = new Set([...before.tables.keys(), ...tables.keys()]);
  const changed = [...names].filter((n) => before.tables.get(n) !== tables.get(n));
  return { state: { lsn, tables }, changed };
}
