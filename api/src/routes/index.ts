// The /api/v1 routes, one folder per resource (schemas and queries beside their routes); each
// resource's admin writes sit beside it and are mounted under /admin.
import { authRoutes } from './auth/routes.ts';
import { brandAdminRoutes } from './brands/admin-routes.ts';
import { brandRoutes } from './brands/routes.ts';
import { cartRoutes } from './cart/routes.ts';
import { categoryAdminRoutes } from './categories/admin-routes.ts';
import { categoryRoutes } from './categories/routes.ts';
import type { App } from './context.ts';
import { orderAdminRoutes } from './orders/admin-routes.ts';
import { orderRoutes } from './orders/routes.ts';
import { productAdminRoutes } from './products/admin-routes.ts';
import { productRoutes } from './products/routes.ts';
import { userRoutes } from './users/routes.ts';

/** Registers every resource under the prefix given at registration (/api/v1). */
export async function apiRoutes(app: App): Promise<void> {
  for (const routes of [productRoutes, categoryRoutes, brandRoutes, authRoutes, userRoutes, cartRoutes, orderRoutes]) {
    await app.register(routes);
  }
  for (const routes of [productAdminRoutes, categoryAdminRoutes, brandAdminRoutes, orderAdminRoutes]) {
    await app.register(routes, { prefix: '/admin' });
  }
}
