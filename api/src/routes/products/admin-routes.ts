import { cacheTags } from '@avelon/core';
import { catalogueWrite } from '../../db/catalogue-write.ts';
import { ApiError, notFound } from '../../errors.ts';
import { currentUser } from '../../plugins/auth.ts';
import { productDetail } from '../../repositories/products-read.ts';
import { adjustStock, createProduct, deleteProduct, updateProduct } from '../../repositories/products-write.ts';
import { bearer, errors, IdParams, NoContent } from '../../schemas/common.ts';
import { type App, routesPlugin } from '../context.ts';
import { detailEtag, lockProduct, sendDetail } from './admin-preconditions.ts';
import { IfMatchHeaders, ProductCreate, ProductDetail, ProductUpdate, StockAdjustment } from './schemas.ts';

/**
 * Admin product writes; each invalidates the product (and, but for stock, every product list) on every
 * instance. Updates are conditional with If-Match on the ETag of GET /products/:id: the check and the
 * write run under the product's row lock, so a stale tag is a 412 and changes nothing. Stock changes
 * never overwrite checkouts: a relative `PATCH .../stock {delta}`, or an absolute `stock` that requires
 * If-Match (docs/api.md, "Stock").
 */
export const productAdminRoutes = routesPlugin(
  'products-admin',
  ['avelon-database', 'avelon-cache', 'avelon-auth', 'avelon-rate-limit'],
  routes,
);

async function routes(app: App): Promise<void> {
  const { auth, limits } = app;
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
      const id = await catalogueWrite(app, admin.id, 'upsert', tagsOf, (db) => createProduct(db, request.body));
      const product = await productDetail(app.db.primary, id);
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
        summary:
          'Partial update; If-Match (the ETag of GET /products/{id}) makes it conditional and is required to set stock',
        params: IdParams,
        headers: IfMatchHeaders,
        body: ProductUpdate,
        response: { 200: ProductDetail, ...errors(401, 403, 404, 409, 412, 413, 415, 422, 428) },
      },
    },
    async (request, reply) => {
      const admin = currentUser(request);
      const id = request.params.id;
      const ifMatch = request.headers['if-match'];
      // An absolute stock read before a checkout would put the sold units back: only on the product as read.
      if (request.body.stock !== undefined && ifMatch === undefined) {
        throw new ApiError(
          'API_ERR_PRECONDITION_REQUIRED',
          'Setting an absolute stock needs If-Match; or send a delta to PATCH /admin/products/{id}/stock.',
        );
      }
      const found = await catalogueWrite(
        app,
        admin.id,
        'upsert',
        () => tagsOf(id),
        (db) =>
          ifMatch === undefined
            ? updateProduct(db, id, request.body)
            : db.transaction(async (tx) => {
                await lockProduct(tx, id, ifMatch, detailEtag(reply));
                return updateProduct(tx, id, request.body);
              }),
      );
      const product = found && (await productDetail(app.db.primary, id));
      if (!product) throw notFound('Product');
      return sendDetail(reply, product);
    },
  );

  app.patch(
    '/products/:id/stock',
    {
      ...common,
      schema: {
        ...schema,
        summary: 'Add to or remove from the stock (a delta, under the row lock; never below zero)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: StockAdjustment,
        response: { 200: ProductDetail, ...errors(401, 403, 404, 409, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const admin = currentUser(request);
      const id = request.params.id;
      const { delta } = request.body;
      await catalogueWrite(
        app,
        admin.id,
        'upsert',
        // Lists do not show stock: like a checkout, only the product's own entries are dropped.
        () => [cacheTags.product(id)],
        (db) =>
          db.transaction(async (tx) => {
            const { stock } = await lockProduct(tx, id, request.headers['if-match'], detailEtag(reply));
            await adjustStock(tx, id, stock, delta);
          }),
      );
      const product = await productDetail(app.db.primary, id);
      if (!product) throw notFound('Product');
      return sendDetail(reply, product);
    },
  );

  app.delete(
    '/products/:id',
    { ...common, schema: { ...schema, params: IdParams, response: { 204: NoContent, ...errors(401, 403, 404, 409) } } },
    async (request, reply) => {
      const admin = currentUser(request);
      const id = request.params.id;
      const found = await catalogueWrite(
        app,
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
