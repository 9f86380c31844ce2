import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { TableRows } from './generate.ts';

export interface LoadProgress {
  start(totalRows: number): void;
  advance(rows: number, table: string): void;
  stop(): void;
}

export type LoadResult = { loaded: true; rows: number } | { loaded: false; reason: string };

/**
 * Loads demo rows with COPY in one transaction, straight into the primary: all or nothing, and a
 * second call on a database that has products does nothing, not even generate (so `make up` can call
 * it every time).
 */
export async function loadDemoData(
  url: string,
  generate: () => TableRows[],
  progress?: LoadProgress,
): Promise<LoadResult> {
  const client = new pg.Client({ connectionString: url, application_name: 'avelon-demo-data' });
  await client.connect();
  try {
    await client.query('BEGIN');
    // Two loaders at once (two `make up`s) must not both load.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['avelon-demo-data']);
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM (SELECT 1 FROM products LIMIT 1) p');
    if (Number(rows[0]?.n) > 0) {
      await client.query('ROLLBACK');
      return { loaded: false, reason: 'the database already has products' };
    }
    const tables = generate();
    const total = tables.reduce((n, t) => n + t.rows.length, 0);
    progress?.start(total);
    // Row-by-row trigger updates would cost 200k UPDATEs; the aggregates are computed once below.
    await client.query('ALTER TABLE reviews DISABLE TRIGGER reviews_product_aggregates');
    for (const t of tables) {
      await copyTable(client, t, (n) => progress?.advance(n, t.table));
    }
    await client.query(`
      UPDATE products p SET review_count = r.n, rating_sum = r.s
      FROM (SELECT product_id, count(*)::int AS n, sum(rating)::int AS s FROM reviews GROUP BY product_id) r
      WHERE r.product_id = p.id`);
    await client.query('ALTER TABLE reviews ENABLE TRIGGER reviews_product_aggregates');
    // COPY wrote explicit ids; move each identity and the order number past them.
    for (const t of tables) {
      if (!t.columns.includes('id')) continue;
      await client.query(
        `SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT coalesce(max(id), 0) + 1 FROM ${pg.escapeIdentifier(t.table)}), false)`,
        [t.table],
      );
    }
    await client.query(
      `SELECT setval('order_number_seq', (SELECT coalesce(max(number), 100000) + 1 FROM orders), false)`,
    );
    await client.query('COMMIT');
    progress?.stop();
    await client.query('ANALYZE');
    return { loaded: true, rows: total };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    progress?.stop();
    throw error;
  } finally {
    await client.end();
  }
}

async function copyTable(client: pg.Client, t: TableRows, advance: (rows: number) => void): Promise<void> {
  const columns = t.columns.map((c) => pg.escapeIdentifier(c)).join(', ');
  const sink = client.query(copyFrom(`COPY ${pg.escapeIdentifier(t.table)} (${columns}) FROM STDIN`));
  const batch = 5_000;
  function* lines() {
    for (let i = 0; i < t.rows.length; i += batch) {
      const chunk = t.rows.slice(i, i + batch);
      yield `${chunk.map((row) => row.map(copyValue).join('\t')).join('\n')}\n`;
      advance(chunk.length);
    }
  }
  await pipeline(Readable.from(lines()), sink);
}

/** COPY's text format: \N for null, and backslash escapes for the characters it treats specially. */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] ?? c);
}
