import pg from 'pg';

/**
 * A digest of the demo tables' contents in primary-key order: equal digests mean equal data, which is
 * how the tests show that the generator is deterministic.
 */
export async function demoDataChecksum(
  url: string,
  tables: ReadonlyArray<{ table: string; columns: readonly string[] }>,
): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const parts: string[] = [];
    // Only the generated columns: defaults such as updated_at = now() differ between loads.
    for (const { table, columns } of tables) {
      const row = `row(${columns.map((c) => pg.escapeIdentifier(c)).join(', ')})::text`;
      const { rows } = await client.query<{ digest: string | null }>(
        `SELECT md5(string_agg(md5(${row}), '' ORDER BY ${row})) AS digest FROM ${pg.escapeIdentifier(table)}`,
      );
      parts.push(`${table}:${rows[0]?.digest ?? 'empty'}`);
    }
    const { rows } = await client.query<{ digest: string }>('SELECT md5($1) AS digest', [parts.join(',')]);
    return rows[0]?.digest ?? '';
  } finally {
    await client.end();
  }
}
