import { cacheTags } from '@avelon/core';
import { catalogueWrite } from '../../db/catalogue-write.ts';
import { notFound } from '../../errors.ts';
import { currentUser } from '../../plugins/auth.ts';
import { bearer, errors, IdParams, NoContent } from '../../schemas/common.ts';
import type { App, RouteContext } from '../context.ts';
import { createProduct, deleteProduct, updateProduct } from './admin-queries.ts';
import { productDetail } from './queries.ts';
import { ProductCreate, ProductDetail, ProductUpdate } from './schemas.ts';

/** Admin product writes; each invalidates the product and every product list, on every instance. */
export async function productAdminRoutes(app: App, { deps, auth, limits }: RouteContext): Promise<void> {
  const common = { onRequest: auth.admin, preHandler: limits.writes };
  const schema = { tags: ['admin'], security: bearer };
  const tagsOf = (id: number) => [cacheTags.product(id), cacheTags.products];

  app.post(
    '/products',
    {
      ...common,
      schema: {
        ...schema,
        body: ProductCreate,
        response: { 201: ProductDetail, ...errors(401, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const admin = currentUser(request);
      const id = await catalogueWrite(deps, admin.id, 'upsert', tagsOf, (db) => createProduct(db, request.body));
      const product = await productDetail(deps.db.primary, id);
      if (!product) throw notFound('Product');
      return reply.code(201).send(product);
    },
  );

  app.patch(
    '/products/:id',
    {
      ...common,
      schema: {
        ...schema,
        params: IdParams,
        body: ProductUpdate,
        response: { 200: ProductDetail, ...errors(401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request) => {
      const admin = currentUser(request);
      const id = request.params.id;
      const found = await catalogueWrite(
        deps,
        admin.id,
        'upsert',
        () => tagsOf(id),
        (db) => updateProduct(db, id, request.body),
      );
      const product = found && (await productDetail(deps.db.primary, id));
      if (!product) throw notFound('Product');
      return product;
    },
  );

  app.delete(
    '/products/:id',
    { ...common, schema: { ...schema, params: IdParams, response: { 204: NoContent, ...errors(401, 403, 404, 409) } } },
    async (request, reply) => {
      const admin = currentUser(request);
      const id = request.params.id;
      const found = await catalogueWrite(
        deps,
        admin.id,
        'delete',
        () => tagsOf(id),
        (db) => deleteProduct(db, id),
      );
      if (!found) throw notFound('Product');
      return reply.code(204).send(null);
    },
  );
}
