import type { Db } from '@avelon/core';
import { sql } from 'drizzle-orm';
import { toIso } from '../products/queries.ts';
import type { Category, CategoryDetail } from './schemas.ts';

type Row = Record<string, unknown>;

export const categoryColumns = sql`c.id, c.slug, c.title, c.description, c.parent_id, c.created_at, c.updated_at`;

export function toCategory(row: Row): Category {
  return {
    id: Number(row.id),
    slug: String(row.slug),
    title: String(row.title),
    description: (row.description as string | null) ?? null,
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** A page of categories by id, and the total (a small table: counting it is cheap). */
export async function listCategories(db: Db, limit: number, page: number) {
  const [rows, count] = await Promise.all([
    db.execute<Row>(
      sql`SELECT ${categoryColumns} FROM categories c ORDER BY c.id LIMIT ${limit} OFFSET ${(page - 1) * limit}`,
    ),
    db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM categories`),
  ]);
  return { data: rows.rows.map(toCategory), meta: { page, limit, total: count.rows[0]?.n ?? 0 } };
}

/** One category with its parent and children (one query). */
export async function categoryDetail(db: Db, id: number): Promise<CategoryDetail | undefined> {
  const result = await db.execute<Row>(sql`
    SELECT ${categoryColumns},
           (SELECT json_build_object('id', p.id, 'slug', p.slug, 'title', p.title) FROM categories p WHERE p.id = c.parent_id) AS parent,
           (SELECT coalesce(json_agg(json_build_object('id', ch.id, 'slug', ch.slug, 'title', ch.title) ORDER BY ch.id), '[]')
              FROM categories ch WHERE ch.parent_id = c.id) AS children
    FROM categories c WHERE c.id = ${id}`);
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    ...toCategory(row),
    parent: (row.parent as CategoryDetail['parent']) ?? null,
    children: row.children as CategoryDetail['children'],
  };
}
