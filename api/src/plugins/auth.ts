import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuthUser } from '../auth/sessions.ts';
import { ApiError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user; set by the `user` / `admin` hooks, null on public routes. */
    user: AuthUser | null;
  }
  interface FastifyInstance {
    /** Route hooks of authentication: `onRequest: app.auth.user` or `app.auth.admin`. */
    auth: AuthHooks;
  }
}

export interface AuthHooks {
  /** onRequest hook: a valid bearer token with a live session, else 401. */
  user: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** onRequest hook: as `user`, and the role is admin, else 403. */
  admin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

/** Authentication as route hooks: public routes pay nothing for it. */
export function authHooks(deps: Pick<FastifyInstance, 'tokens' | 'sessions'>): AuthHooks {
  const user = async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw new ApiError('API_ERR_UNAUTHENTICATED');
    const claims = await deps.tokens.verify(header.slice(7).trim());
    if (!claims) throw new ApiError('API_ERR_UNAUTHENTICATED', 'The token is invalid or expired.');
    request.user = await deps.sessions.resolve(claims);
  };
  const admin = async (request: FastifyRequest) => {
    await user(request);
    if (request.user?.role !== 'admin') throw new ApiError('API_ERR_FORBIDDEN');
  };
  return { user, admin };
}

/** Decorates the app with the auth hooks and every request with `user` (null until a hook sets it). */
export const authPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate('auth', authHooks(app));
    app.decorateRequest('user', null);
  },
  { name: 'avelon-auth', dependencies: ['avelon-auth-services', 'avelon-session-store'] },
);

/**
 * The answer when a signed-in user's account turns out to be gone (deleted after sign-in): every session
 * of the user ends and the request is a 401, instead of a 404 for one's own account or a 500 from a
 * foreign key. Users are deleted outside the API, so this is where their sessions learn of it.
 */
export async function accountGone(deps: Pick<FastifyInstance, 'sessions'>, user: AuthUser): Promise<ApiError> {
  // The 401 is right even if Redis cannot be reached now; the next request finds the account gone again.
  await deps.sessions.revokeAll(user.id).catch(() => {});
  return new ApiError('API_ERR_UNAUTHENTICATED', 'The account no longer exists; sign in again.');
}

/** The signed-in user of a route behind the `user` hook. */
export function currentUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw new ApiError('API_ERR_UNAUTHENTICATED');
  return request.user;
}
