import { cacheTags } from '@avelon/core';
import { entryPayload, publicCacheControl, sendEntry, serialized } from '../../cache/index.ts';
import { catalogueKey } from '../../db/consistency.ts';
import { ApiError } from '../../errors.ts';
import { countProducts, listProducts, MAX_OFFSET, productDetail } from '../../repositories/products-read.ts';
import { errors, IdParams } from '../../schemas/common.ts';
import { type App, routesPlugin } from '../context.ts';
import { ProductDetail, ProductList, ProductListQuery, type Sort } from './schemas.ts';

/** GET /products and /products/:id: public, cached as serialized bytes, one query per miss. */
export const productRoutes = routesPlugin('products', ['avelon-config', 'avelon-database', 'avelon-cache'], routes);

async function routes(app: App): Promise<void> {
  const { cache, db } = app;
  const cacheControl = publicCacheControl(app.config.HTTP_CACHE_MAX_AGE_SECONDS);
  // Catalogue reads wait for replicas to replay the last catalogue write (see db/consistency.ts).
  const read = <T>(fn: Parameters<typeof db.read<T>>[0]) => db.read(fn, { userKey: catalogueKey });

  app.get(
    '/products/:id',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'One product with brand, categories, rating over all reviews and the latest reviews',
        params: IdParams,
        response: { 200: ProductDetail, ...errors(404) },
      },
    },
    (request, reply) => {
      const id = request.params.id;
      const key = String(id);
      // The hot path: a fresh in-memory entry is written out synchronously, no promise, no serializer.
      const hit = cache.peek('product', key);
      if (hit) {
        sendEntry(request, reply, hit, 'l1', cacheControl, 'Product');
        return;
      }
      return (
        cache
          // The detail shows brand and category names: any brand or category write invalidates it too.
          .get('product', key, [cacheTags.product(id), cacheTags.categories, cacheTags.brands], async () => {
            const product = await read((d) => productDetail(d, id));
            return product && serialized(reply, product);
          })
          .then((l) => entryPayload(request, reply, l.entry, l.source, cacheControl, 'Product'))
      );
    },
  );

  app.get(
    '/products',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Products: filters, full-text search, sort, page or keyset cursor',
        querystring: ProductListQuery,
        response: { 200: ProductList, ...errors() },
      },
    },
    (request, reply) => {
      const q = request.query;
      const sort: Sort = q.sort ?? 'featured';
      const limit = q.limit ?? 20;
      const page = q.page ?? 1;
      if (!q.cursor && (page - 1) * limit > MAX_OFFSET) {
        throw new ApiError(
          'API_ERR_VALIDATION',
          `Pages beyond offset ${MAX_OFFSET} need the cursor (meta.nextCursor).`,
        );
      }
      if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice) {
        throw new ApiError('API_ERR_VALIDATION', 'minPrice is greater than maxPrice.');
      }
      const filterKey = `${q.category ?? ''}|${q.brand ?? ''}|${q.isAvailable ?? ''}|${q.minPrice ?? ''}|${q.maxPrice ?? ''}|${q.q ?? ''}`;
      const key = `${sort}|${limit}|${q.cursor ? `c${q.cursor}` : `p${page}`}|${filterKey}`;
      const hit = cache.peek('product-list', key);
      if (hit) {
        sendEntry(request, reply, hit, 'l1', cacheControl, 'List');
        return;
      }
      // Lists change when any product changes; a slug filter also when categories or brands change.
      const tags: string[] = [cacheTags.products];
      if (q.category) tags.push(cacheTags.categories);
      if (q.brand) tags.push(cacheTags.brands);
      return cache
        .get('product-list', key, tags, async () => {
          const [pageRows, total] = await Promise.all([
            read((d) => listProducts(d, q, sort, limit, page)),
            cache.get('product-list', `count|${filterKey}`, tags, async () =>
              String(await read((d) => countProducts(d, q))),
            ),
          ]);
          return serialized(reply, {
            data: pageRows.rows,
            meta: {
              page: q.cursor ? null : page,
              limit,
              total: Number(total.entry.body),
              nextCursor: pageRows.nextCursor,
            },
          });
        })
        .then((l) => entryPayload(request, reply, l.entry, l.source, cacheControl, 'List'));
    },
  );
}
