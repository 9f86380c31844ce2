import { cacheTags } from '@avelon/core';
import { catalogueKey, rememberWrite, userKey } from '../../db/consistency.ts';
import { notFound } from '../../errors.ts';
import { currentUser } from '../../plugins/auth.ts';
import { deliverAfterCommit } from '../../queue/outbox.ts';
import { checkout } from '../../repositories/checkout.ts';
import { getOrder, listOrders } from '../../repositories/orders.ts';
import { bearer, errors, IdParams } from '../../schemas/common.ts';
import { type App, routesPlugin } from '../context.ts';
import { CheckoutHeaders, Order, OrderList, OrderListQuery } from './schemas.ts';

/** POST /orders (checkout), GET /orders and /orders/:id: the signed-in user's own orders only. */
export const orderRoutes = routesPlugin(
  'orders',
  ['avelon-database', 'avelon-cache', 'avelon-jobs', 'avelon-auth', 'avelon-rate-limit'],
  routes,
);

async function routes(app: App): Promise<void> {
  const { db, auth, limits } = app;
  const tags = ['orders'];
  const security = bearer;

  app.post(
    '/orders',
    {
      onRequest: auth.user,
      preHandler: [limits.checkout, limits.writes],
      schema: {
        tags,
        security,
        summary: 'Check out the cart (201; with a known Idempotency-Key, 200 and the first order)',
        headers: CheckoutHeaders,
        response: { 200: Order, 201: Order, ...errors(401, 409) },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const result = await checkout(db.primary, user.id, request.headers['idempotency-key']);
      if (result.replayed) return reply.code(200).header('idempotent-replayed', 'true').send(result.order);
      // The catalogue changed (stock): refills of these products must read past this commit.
      await rememberWrite(db, app.writePositions, [userKey(user.id), catalogueKey]);
      await app.invalidator.invalidate(result.productIds.map((id) => cacheTags.product(id)));
      // The confirmation's outbox row committed with the order: a queue outage delays the mail (the
      // worker's relay enqueues the row later) but neither loses it nor turns the order into an error.
      await deliverAfterCommit(db.primary, app.jobs, result.confirmation, request.log);
      return reply.code(201).send(result.order);
    },
  );

  app.get(
    '/orders',
    {
      onRequest: auth.user,
      schema: { tags, security, querystring: OrderListQuery, response: { 200: OrderList, ...errors(401) } },
    },
    async (request) => {
      const user = currentUser(request);
      const { limit = 20, page = 1 } = request.query;
      return db.read((d) => listOrders(d, user.id, limit, page), { userKey: userKey(user.id) });
    },
  );

  app.get(
    '/orders/:id',
    {
      onRequest: auth.user,
      schema: { tags, security, params: IdParams, response: { 200: Order, ...errors(401, 404) } },
    },
    async (request) => {
      const user = currentUser(request);
      const order = await db.read((d) => getOrder(d, request.params.id, user.id), { userKey: userKey(user.id) });
      // Someone else's order is indistinguishable from a missing one.
      if (!order) throw notFound('Order');
      return order;
    },
  );
}
