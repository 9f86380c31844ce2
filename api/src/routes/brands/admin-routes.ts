import { cacheTags, type Db } from '@avelon/core';
import { sql } from 'drizzle-orm';
import { catalogueWrite } from '../../db/catalogue-write.ts';
import { updateSets } from '../../db/update-sets.ts';
import { notFound } from '../../errors.ts';
import { currentUser } from '../../plugins/auth.ts';
import { bearer, errors, IdParams, NoContent } from '../../schemas/common.ts';
import type { App, RouteContext } from '../context.ts';
import { brandColumns, toBrand } from './queries.ts';
import { Brand, BrandCreate, BrandUpdate } from './schemas.ts';

type Row = Record<string, unknown>;

/** Admin brand writes; each invalidates the brand, the listing, lists by brand and product details. */
export async function brandAdminRoutes(app: App, { deps, auth, limits }: RouteContext): Promise<void> {
  const common = { onRequest: auth.admin, preHandler: limits.writes };
  const schema = { tags: ['admin'], security: bearer };
  const write = <T>(adminId: number, kind: 'upsert' | 'delete', id: (r: T) => number, run: (db: Db) => Promise<T>) =>
    catalogueWrite(deps, adminId, kind, (r: T) => [cacheTags.brand(id(r)), cacheTags.brands], run);

  app.post(
    '/brands',
    {
      ...common,
      schema: { ...schema, body: BrandCreate, response: { 201: Brand, ...errors(401, 403, 409, 413, 415) } },
    },
    async (request, reply) => {
      const b = request.body;
      const row = await write(
        currentUser(request).id,
        'upsert',
        (r: Row | undefined) => Number(r?.id ?? 0),
        async (db) => {
          const result = await db.execute<Row>(sql`
          WITH b AS (
            INSERT INTO brands (slug, title, description, logo_url)
            VALUES (${b.slug}, ${b.title}, ${b.description ?? null}, ${b.logoUrl ?? null}) RETURNING *
          ) SELECT ${brandColumns} FROM b`);
          return result.rows[0];
        },
      );
      if (!row) throw new Error('brand insert returned no row');
      return reply.code(201).send(toBrand(row));
    },
  );

  app.patch(
    '/brands/:id',
    {
      ...common,
      schema: {
        ...schema,
        params: IdParams,
        body: BrandUpdate,
        response: { 200: Brand, ...errors(401, 403, 404, 409, 413, 415) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const b = request.body;
      const sets = updateSets(b, { slug: 'slug', title: 'title', description: 'description', logoUrl: 'logo_url' });
      const row = await write(
        currentUser(request).id,
        'upsert',
        () => id,
        async (db) => {
          const result = await db.execute<Row>(sql`
          WITH b AS (UPDATE brands SET ${sql.join(sets, sql`, `)} WHERE id = ${id} RETURNING *)
          SELECT ${brandColumns} FROM b`);
          return result.rows[0];
        },
      );
      if (!row) throw notFound('Brand');
      return toBrand(row);
    },
  );

  app.delete(
    '/brands/:id',
    { ...common, schema: { ...schema, params: IdParams, response: { 204: NoContent, ...errors(401, 403, 404, 409) } } },
    async (request, reply) => {
      const { id } = request.params;
      const found = await write(
        currentUser(request).id,
        'delete',
        () => id,
        async (db) => {
          const result = await db.execute(sql`DELETE FROM brands WHERE id = ${id}`);
          return (result.rowCount ?? 0) > 0;
        },
      );
      if (!found) throw notFound('Brand');
      return reply.code(204).send(null);
    },
  );
}
