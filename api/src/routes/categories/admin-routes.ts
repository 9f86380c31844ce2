import { cacheTags, type Db } from '@avelon/core';
import { sql } from 'drizzle-orm';
import { catalogueWrite } from '../../db/catalogue-write.ts';
import { updateSets } from '../../db/update-sets.ts';
import { ApiError, notFound } from '../../errors.ts';
import { currentUser } from '../../plugins/auth.ts';
import { bearer, errors, IdParams, NoContent } from '../../schemas/common.ts';
import type { App, RouteContext } from '../context.ts';
import { categoryColumns, toCategory } from './queries.ts';
import { Category, CategoryCreate, CategoryUpdate } from './schemas.ts';

type Row = Record<string, unknown>;

// categories.parent_id has no foreign key: the parent's existence is checked in the same statement.
const parentOk = (parentId: number | null | undefined) =>
  parentId === undefined || parentId === null
    ? sql`true`
    : sql`EXISTS (SELECT 1 FROM categories WHERE id = ${parentId})`;

/** Admin category writes; each invalidates every category entry, product list by category and product detail. */
export async function categoryAdminRoutes(app: App, { deps, auth, limits }: RouteContext): Promise<void> {
  const common = { onRequest: auth.admin, preHandler: limits.writes };
  const schema = { tags: ['admin'], security: bearer };
  const tagsOf = (id: number) => [cacheTags.category(id), cacheTags.categories];
  const write = <T>(adminId: number, kind: 'upsert' | 'delete', id: (r: T) => number, run: (db: Db) => Promise<T>) =>
    catalogueWrite(deps, adminId, kind, (r: T) => tagsOf(id(r)), run);

  app.post(
    '/categories',
    {
      ...common,
      schema: { ...schema, body: CategoryCreate, response: { 201: Category, ...errors(401, 403, 409, 413, 415, 422) } },
    },
    async (request, reply) => {
      const b = request.body;
      const row = await write(
        currentUser(request).id,
        'upsert',
        (r: Row | undefined) => Number(r?.id ?? 0),
        async (db) => {
          const result = await db.execute<Row>(sql`
          WITH c AS (
            INSERT INTO categories (slug, title, description, parent_id)
            SELECT ${b.slug}, ${b.title}, ${b.description ?? null}, ${b.parentId ?? null} WHERE ${parentOk(b.parentId)}
            RETURNING *
          ) SELECT ${categoryColumns} FROM c`);
          return result.rows[0];
        },
      );
      if (!row) throw new ApiError('API_ERR_UNPROCESSABLE', `Parent category ${b.parentId} does not exist.`);
      return reply.code(201).send(toCategory(row));
    },
  );

  app.patch(
    '/categories/:id',
    {
      ...common,
      schema: {
        ...schema,
        params: IdParams,
        body: CategoryUpdate,
        response: { 200: Category, ...errors(401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const b = request.body;
      if (b.parentId === id) throw new ApiError('API_ERR_UNPROCESSABLE', 'A category cannot be its own parent.');
      const sets = updateSets(b, { slug: 'slug', title: 'title', description: 'description', parentId: 'parent_id' });
      const row = await write(
        currentUser(request).id,
        'upsert',
        () => id,
        async (db) => {
          const result = await db.execute<Row>(sql`
          WITH c AS (UPDATE categories SET ${sql.join(sets, sql`, `)} WHERE id = ${id} AND ${parentOk(b.parentId)} RETURNING *)
          SELECT ${categoryColumns} FROM c`);
          return result.rows[0];
        },
      );
      if (!row) throw notFound('Category (or its new parent)');
      return toCategory(row);
    },
  );

  app.delete(
    '/categories/:id',
    { ...common, schema: { ...schema, params: IdParams, response: { 204: NoContent, ...errors(401, 403, 404) } } },
    async (request, reply) => {
      const { id } = request.params;
      const found = await write(
        currentUser(request).id,
        'delete',
        () => id,
        async (db) => {
          // Children move to the top level rather than point at a category that no longer exists.
          const result = await db.execute<Row>(sql`
          WITH d AS (DELETE FROM categories WHERE id = ${id} RETURNING id),
               o AS (UPDATE categories SET parent_id = NULL, updated_at = now() WHERE parent_id IN (SELECT id FROM d))
          SELECT id FROM d`);
          return result.rows.length > 0;
        },
      );
      if (!found) throw notFound('Category');
      return reply.code(204).send(null);
    },
  );
}
