import { cacheTags } from '@avelon/core';
import { entryPayload, publicCacheControl, serialized } from '../../cache/index.ts';
import { catalogueKey } from '../../db/consistency.ts';
import { categoryDetail, listCategories } from '../../repositories/categories.ts';
import { errors, IdParams } from '../../schemas/common.ts';
import { type App, routesPlugin } from '../context.ts';
import { CategoryDetail, CategoryList, CategoryListQuery } from './schemas.ts';

/** GET /categories and /categories/:id: public and cached (class `category`). */
export const categoryRoutes = routesPlugin('categories', ['avelon-config', 'avelon-database', 'avelon-cache'], routes);

async function routes(app: App): Promise<void> {
  const { cache, db } = app;
  const cacheControl = publicCacheControl(app.config.HTTP_CACHE_MAX_AGE_SECONDS);

  app.get(
    '/categories',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Categories by id, paginated',
        querystring: CategoryListQuery,
        response: { 200: CategoryList, ...errors() },
      },
    },
    async (request, reply) => {
      const limit = request.query.limit ?? 20;
      const page = request.query.page ?? 1;
      const l = await cache.get('category', `list|${limit}|${page}`, [cacheTags.categories], async () =>
        serialized(reply, await db.read((d) => listCategories(d, limit, page), { userKey: catalogueKey })),
      );
      return entryPayload(request, reply, l.entry, l.source, cacheControl, 'List');
    },
  );

  app.get(
    '/categories/:id',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'One category with its parent and children',
        params: IdParams,
        response: { 200: CategoryDetail, ...errors(404) },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      // Any category write can rename a parent or child shown here: tagged with the listing tag too.
      const l = await cache.get('category', String(id), [cacheTags.category(id), cacheTags.categories], async () => {
        const category = await db.read((d) => categoryDetail(d, id), { userKey: catalogueKey });
        return category && serialized(reply, category);
      });
      return entryPayload(request, reply, l.entry, l.source, cacheControl, 'Category');
    },
  );
}
