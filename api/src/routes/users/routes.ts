import { rememberWrite, userKey } from '../../db/consistency.ts';
import { accountGone, currentUser } from '../../plugins/auth.ts';
import { getMe, updateMe } from '../../repositories/users.ts';
import { bearer, errors } from '../../schemas/common.ts';
import { type App, routesPlugin } from '../context.ts';
import { Me, MeUpdate } from './schemas.ts';

/** GET/PATCH /users/me: the signed-in user's own account; reads see the user's own writes. */
export const userRoutes = routesPlugin(
  'users',
  ['avelon-database', 'avelon-session-store', 'avelon-auth', 'avelon-rate-limit'],
  routes,
);

async function routes(app: App): Promise<void> {
  const { db, auth, limits } = app;
  app.get(
    '/users/me',
    {
      onRequest: auth.user,
      schema: { tags: ['users'], security: bearer, response: { 200: Me, ...errors(401) } },
    },
    async (request) => {
      const user = currentUser(request);
      // A replica may not have replayed a fresh sign-up yet: absence counts only when the primary agrees.
      const me =
        (await db.read((d) => getMe(d, user.id), { userKey: userKey(user.id) })) ?? (await getMe(db.primary, user.id));
      if (!me) throw await accountGone(app, user);
      return me;
    },
  );

  app.patch(
    '/users/me',
    {
      onRequest: auth.user,
      preHandler: limits.writes,
      schema: {
        tags: ['users'],
        security: bearer,
        body: MeUpdate,
        response: { 200: Me, ...errors(401, 413, 415) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const me = await updateMe(db.primary, user.id, request.body.name);
      if (!me) throw await accountGone(app, user);
      await rememberWrite(db, app.writePositions, [userKey(user.id)]);
      return me;
    },
  );
}
