import { cacheTags } from '@avelon/core';
import { entryPayload, publicCacheControl, serialized } from '../../cache/index.ts';
import { catalogueKey } from '../../db/consistency.ts';
import { brandDetail, listBrands } from '../../repositories/brands.ts';
import { errors, IdParams } from '../../schemas/common.ts';
import { type App, routesPlugin } from '../context.ts';
import { Brand, BrandList, BrandListQuery } from './schemas.ts';

/** GET /brands and /brands/:id: public and cached (class `brand`). */
export const brandRoutes = routesPlugin('brands', ['avelon-config', 'avelon-database', 'avelon-cache'], routes);

async function routes(app: App): Promise<void> {
  const { cache, db } = app;
  const cacheControl = publicCacheControl(app.config.HTTP_CACHE_MAX_AGE_SECONDS);

  app.get(
    '/brands',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Brands by id, paginated',
        querystring: BrandListQuery,
        response: { 200: BrandList, ...errors() },
      },
    },
    async (request, reply) => {
      const limit = request.query.limit ?? 20;
      const page = request.query.page ?? 1;
      const l = await cache.get('brand', `list|${limit}|${page}`, [cacheTags.brands], async () =>
        serialized(reply, await db.read((d) => listBrands(d, limit, page), { userKey: catalogueKey })),
      );
      return entryPayload(request, reply, l.entry, l.source, cacheControl, 'List');
    },
  );

  app.get(
    '/brands/:id',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'One brand',
        params: IdParams,
        response: { 200: Brand, ...errors(404) },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const l = await cache.get('brand', String(id), [cacheTags.brand(id)], async () => {
        const brand = await db.read((d) => brandDetail(d, id), { userKey: catalogueKey });
        return brand && serialized(reply, brand);
      });
      return entryPayload(request, reply, l.entry, l.source, cacheControl, 'Brand');
    },
  );
}
