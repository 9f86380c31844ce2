import { rememberWrite, userKey } from '../../db/consistency.ts';
import { PG_FOREIGN_KEY_VIOLATION, pgError } from '../../db/pg-errors.ts';
import { ApiError } from '../../errors.ts';
import { accountGone, currentUser } from '../../plugins/auth.ts';
import { addItem, getCart, removeItem, setQuantity } from '../../repositories/carts.ts';
import { bearer, errors } from '../../schemas/common.ts';
import { type App, routesPlugin } from '../context.ts';
import { AddItem, Cart, ProductIdParams, SetQuantity } from './schemas.ts';

/**
 * The signed-in user's cart; every query is scoped by the session's user id, so no one can reach
 * another user's cart. Writes answer with the whole cart, read from the primary.
 */
export const cartRoutes = routesPlugin(
  'cart',
  ['avelon-database', 'avelon-session-store', 'avelon-auth', 'avelon-rate-limit'],
  routes,
);

async function routes(app: App): Promise<void> {
  const { db, auth, limits } = app;
  const security = bearer;
  const tags = ['cart'];
  const afterWrite = async (userId: number) => {
    await rememberWrite(db, app.writePositions, [userKey(userId)]);
    return getCart(db.primary, userId);
  };

  app.get(
    '/cart',
    { onRequest: auth.user, schema: { tags, security, response: { 200: Cart, ...errors(401) } } },
    async (request) => {
      const user = currentUser(request);
      return db.read((d) => getCart(d, user.id), { userKey: userKey(user.id) });
    },
  );

  app.post(
    '/cart/items',
    {
      onRequest: auth.user,
      preHandler: limits.writes,
      schema: { tags, security, body: AddItem, response: { 200: Cart, ...errors(401, 413, 415, 422) } },
    },
    async (request) => {
      const user = currentUser(request);
      const { productId, quantity = 1 } = request.body;
      const added = await addItem(db.primary, user.id, productId, quantity).catch((error: unknown) => {
        // The cart's row refers to the user: a foreign-key failure there means the account was deleted
        // after sign-in; on the line's product, that it was deleted meanwhile.
        const pg = pgError(error);
        if (pg?.code !== PG_FOREIGN_KEY_VIOLATION) throw error;
        return pg.constraint === 'carts_user_id_users_id_fk' ? null : false;
      });
      if (added === null) throw await accountGone(app, user);
      if (!added) {
        throw new ApiError('API_ERR_UNPROCESSABLE', `Product ${productId} does not exist or is not for sale.`);
      }
      return afterWrite(user.id);
    },
  );

  app.patch(
    '/cart/items/:productId',
    {
      onRequest: auth.user,
      preHandler: limits.writes,
      schema: {
        tags,
        security,
        params: ProductIdParams,
        body: SetQuantity,
        response: { 200: Cart, ...errors(401, 404, 413, 415) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      if (!(await setQuantity(db.primary, user.id, request.params.productId, request.body.quantity))) {
        throw new ApiError('API_ERR_NOT_FOUND', 'That product is not in the cart.');
      }
      return afterWrite(user.id);
    },
  );

  app.delete(
    '/cart/items/:productId',
    {
      onRequest: auth.user,
      preHandler: limits.writes,
      schema: { tags, security, params: ProductIdParams, response: { 200: Cart, ...errors(401, 404) } },
    },
    async (request) => {
      const user = currentUser(request);
      if (!(await removeItem(db.primary, user.id, request.params.productId))) {
        throw new ApiError('API_ERR_NOT_FOUND', 'That product is not in the cart.');
      }
      return afterWrite(user.id);
    },
  );
}
