import { cacheTags, type Db } from '@avelon/core';
import { catalogueWrite } from '../../db/catalogue-write.ts';
import { ApiError, notFound } from '../../errors.ts';
import { currentUser } from '../../plugins/auth.ts';
import { createCategory, deleteCategory, updateCategory } from '../../repositories/categories.ts';
import { bearer, errors, IdParams, NoContent } from '../../schemas/common.ts';
import { type App, routesPlugin } from '../context.ts';
import { Category, CategoryCreate, CategoryUpdate } from './schemas.ts';

/** Admin category writes; each invalidates every category entry, product list by category and product detail. */
export const categoryAdminRoutes = routesPlugin(
  'categories-admin',
  ['avelon-database', 'avelon-cache', 'avelon-auth', 'avelon-rate-limit'],
  routes,
);

async function routes(app: App): Promise<void> {
  const { auth, limits } = app;
  const common = { onRequest: auth.admin, preHandler: limits.writes };
  const schema = { tags: ['admin'], security: bearer };
  const tagsOf = (id: number) => [cacheTags.category(id), cacheTags.categories];
  const write = <T>(adminId: number, kind: 'upsert' | 'delete', id: (r: T) => number, run: (db: Db) => Promise<T>) =>
    catalogueWrite(app, adminId, kind, (r: T) => tagsOf(id(r)), run);

  app.post(
    '/categories',
    {
      ...common,
      schema: { ...schema, body: CategoryCreate, response: { 201: Category, ...errors(401, 403, 409, 413, 415, 422) } },
    },
    async (request, reply) => {
      const b = request.body;
      const category = await write(
        currentUser(request).id,
        'upsert',
        (c: Category | undefined) => c?.id ?? 0,
        (db) => createCategory(db, b),
      );
      if (!category) throw new ApiError('API_ERR_UNPROCESSABLE', `Parent category ${b.parentId} does not exist.`);
      return reply.code(201).send(category);
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
      const category = await write(
        currentUser(request).id,
        'upsert',
        () => id,
        (db) => updateCategory(db, id, b),
      );
      if (!category) throw notFound('Category (or its new parent)');
      return category;
    },
  );

  app.delete(
    '/categories/:id',
    { ...common, schema: { ...schema, params: IdParams, response: { 204: NoContent, ...errors(401, 403, 404) } } },
    async (request, reply) => {
      const { id } = request.params;
      // Children move to the top level rather than point at a category that no longer exists.
      const found = await write(
        currentUser(request).id,
        'delete',
        () => id,
        (db) => deleteCategory(db, id),
      );
      if (!found) throw notFound('Category');
      return reply.code(204).send(null);
    },
  );
}
