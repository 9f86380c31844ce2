import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { samePlain, verifyPassword } from '../auth/password.ts';
import { issueSession, readSession, sessionCookieName } from '../auth/session.ts';
import type { DashboardConfig } from '../config.ts';
import { DashboardError } from '../errors.ts';

/** The guard of every data route: 401 without a valid session cookie. */
export function requireSession(config: DashboardConfig) {
  return async (request: FastifyRequest) => {
    const user = readSession(config.SESSION_SECRET, request.cookies[sessionCookieName]);
    if (!user) throw new DashboardError('ADMIN_ERR_UNAUTHENTICATED');
  };
}

/** True when someone can log in at all (a hash or, locally, a plain password is configured). */
export const loginConfigured = (c: DashboardConfig) => c.ADMIN_PASSWORD_HASH !== '' || c.ADMIN_PASSWORD !== '';

const loginBody = {
  type: 'object',
  required: ['user', 'password'],
  additionalProperties: false,
  properties: { user: { type: 'string', maxLength: 200 }, password: { type: 'string', maxLength: 1000 } },
} as const;

/** Login (rate-limited per client address), logout, and "who am I". */
export async function authRoutes(app: FastifyInstance, o: { config: DashboardConfig }) {
  const c = o.config;
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: () => new DashboardError('ADMIN_ERR_LOGIN_RATE_LIMITED'),
  });
  const cookie = (reply: FastifyReply, value: string, maxAge: number) =>
    reply.setCookie(sessionCookieName, value, {
      httpOnly: true,
      sameSite: 'strict',
      secure: c.SESSION_COOKIE_SECURE,
      path: '/',
      maxAge,
    });

  app.post<{ Body: { user: string; password: string } }>(
    '/api/login',
    {
      schema: { body: loginBody },
      config: { rateLimit: { max: c.LOGIN_RATE_LIMIT_MAX, timeWindow: c.LOGIN_RATE_LIMIT_WINDOW_MS } },
    },
    async (request, reply) => {
      if (!loginConfigured(c)) throw new DashboardError('ADMIN_ERR_LOGIN_DISABLED');
      const { user, password } = request.body;
      // Always check the password, whatever the user name: the time taken does not tell which was wrong.
      const passwordOk = c.ADMIN_PASSWORD_HASH
        ? await verifyPassword(password, c.ADMIN_PASSWORD_HASH)
        : samePlain(password, c.ADMIN_PASSWORD);
      if (!(passwordOk && samePlain(user, c.ADMIN_USER))) {
        request.log.warn({ ip: request.ip }, 'admin login refused');
        throw new DashboardError('ADMIN_ERR_BAD_CREDENTIALS');
      }
      cookie(reply, issueSession(c.SESSION_SECRET, user, c.SESSION_TTL_SECONDS), c.SESSION_TTL_SECONDS);
      return reply.code(200).send({ user });
    },
  );

  app.post('/api/logout', async (_request, reply) => {
    cookie(reply, '', 0);
    return reply.code(204).send();
  });

  app.get('/api/session', async (request) => {
    const user = readSession(c.SESSION_SECRET, request.cookies[sessionCookieName]);
    if (!user) throw new DashboardError('ADMIN_ERR_UNAUTHENTICATED');
    return { user };
  });
}
