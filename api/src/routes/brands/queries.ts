import type { Db } from '@avelon/core';
import { sql } from 'drizzle-orm';
import { toIso } from '../products/queries.ts';
import type { Brand } from './schemas.ts';

type Row = Record<string, unknown>;

export const brandColumns = sql`b.id, b.slug, b.title, b.description, b.logo_url, b.created_at, b.updated_at`;

export function toBrand(row: Row): Brand {
  return {
    id: Number(row.id),
    slug: String(row.slug),
    title: String(row.title),
    description: (row.description as string | null) ?? null,
    logoUrl: (row.logo_url as string | null) ?? null,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export async function listBrands(db: Db, limit: number, page: number) {
  const [rows, count] = await Promise.all([
    db.execute<Row>(
      sql`SELECT ${brandColumns} FROM brands b ORDER BY b.id LIMIT ${limit} OFFSET ${(page - 1) * limit}`,
    ),
    db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM brands`),
  ]);
  return { data: rows.rows.map(toBrand), meta: { page, limit, total: count.rows[0]?.n ?? 0 } };
}

export async function brandDetail(db: Db, id: number): Promise<Brand | undefined> {
  const result = await db.execute<Row>(sql`SELECT ${brandColumns} FROM brands b WHERE b.id = ${id}`);
  const row = result.rows[0];
  return row ? toBrand(row) : undefined;
}
