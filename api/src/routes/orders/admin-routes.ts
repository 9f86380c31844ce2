import { cacheTags } from '@avelon/core';
import { catalogueKey, rememberWrite, userKey } from '../../db/consistency.ts';
import { currentUser } from '../../plugins/auth.ts';
import { deliverAfterCommit } from '../../queue/outbox.ts';
import { transitionOrder } from '../../repositories/order-transition.ts';
import { bearer, errors, IdParams } from '../../schemas/common.ts';
import { type App, routesPlugin } from '../context.ts';
import { Order, StatusUpdate } from './schemas.ts';

/**
 * PATCH /admin/orders/:id: moves an order along its lifecycle under the order's row lock (the current
 * status must allow it, else 409). Setting the status it already has is a no-op 200, so a retried
 * request is harmless. The move to `cancelled` puts the order's stock back in the same transaction
 * (once, however many cancels race); the move to `shipped` puts the shipped email in the outbox in the
 * same transaction (so it cannot be lost), and it is enqueued right after the commit (the relay retries).
 */
export const orderAdminRoutes = routesPlugin(
  'orders-admin',
  ['avelon-database', 'avelon-cache', 'avelon-jobs', 'avelon-auth', 'avelon-rate-limit'],
  routes,
);

async function routes(app: App): Promise<void> {
  const { auth, limits } = app;
  app.patch(
    '/orders/:id',
    {
      onRequest: auth.admin,
      preHandler: limits.writes,
      schema: {
        tags: ['admin'],
        security: bearer,
        params: IdParams,
        body: StatusUpdate,
        response: { 200: Order, ...errors(401, 403, 404, 409, 413, 415) },
      },
    },
    async (request) => {
      const admin = currentUser(request);
      const { order, userId, mail, restocked } = await transitionOrder(
        app.db.primary,
        request.params.id,
        request.body.status,
      );
      const keys = [userKey(admin.id), userKey(userId)];
      // Stock came back: product refills must read past this commit, and the cached details go.
      if (restocked.length > 0) keys.push(catalogueKey);
      await rememberWrite(app.db, app.writePositions, keys);
      if (restocked.length > 0) await app.invalidator.invalidate(restocked.map((id) => cacheTags.product(id)));
      // Committed with its outbox row: a queue outage delays the mail, it no longer fails the request.
      await deliverAfterCommit(app.db.primary, app.jobs, mail, request.log);
      return order;
    },
  );
}
