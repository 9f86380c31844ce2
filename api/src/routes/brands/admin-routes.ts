import { cacheTags, type Db } from '@avelon/core';
import { catalogueWrite } from '../../db/catalogue-write.ts';
import { notFound } from '../../errors.ts';
import { currentUser } from '../../plugins/auth.ts';
import { createBrand, deleteBrand, updateBrand } from '../../repositories/brands.ts';
import { bearer, errors, IdParams, NoContent } from '../../schemas/common.ts';
import { type App, routesPlugin } from '../context.ts';
import { Brand, BrandCreate, BrandUpdate } from './schemas.ts';

/** Admin brand writes; each invalidates the brand, the listing, lists by brand and product details. */
export const brandAdminRoutes = routesPlugin(
  'brands-admin',
  ['avelon-database', 'avelon-cache', 'avelon-auth', 'avelon-rate-limit'],
  routes,
);

async function routes(app: App): Promise<void> {
  const { auth, limits } = app;
  const common = { onRequest: auth.admin, preHandler: limits.writes };
  const schema = { tags: ['admin'], security: bearer };
  const write = <T>(adminId: number, kind: 'upsert' | 'delete', id: (r: T) => number, run: (db: Db) => Promise<T>) =>
    catalogueWrite(app, adminId, kind, (r: T) => [cacheTags.brand(id(r)), cacheTags.brands], run);

  app.post(
    '/brands',
    {
      ...common,
      schema: { ...schema, body: BrandCreate, response: { 201: Brand, ...errors(401, 403, 409, 413, 415) } },
    },
    async (request, reply) => {
      const b = request.body;
      const brand = await write(
        currentUser(request).id,
        'upsert',
        (r: Brand) => r.id,
        (db) => createBrand(db, b),
      );
      return reply.code(201).send(brand);
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
      const brand = await write(
        currentUser(request).id,
        'upsert',
        () => id,
        (db) => updateBrand(db, id, b),
      );
      if (!brand) throw notFound('Brand');
      return brand;
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
        (db) => deleteBrand(db, id),
      );
      if (!found) throw notFound('Brand');
      return reply.code(204).send(null);
    },
  );
}
