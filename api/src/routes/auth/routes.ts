import { metric, metricCatalog } from '@avelon/core';
import { ApiError } from '../../errors.ts';
import { currentUser } from '../../plugins/auth.ts';
import { findOrCreateUser } from '../../repositories/users.ts';
import { bearer, errors, NoContent } from '../../schemas/common.ts';
import { type App, routesPlugin } from '../context.ts';
import { OtpAccepted, OtpRequest, TokenResponse, VerifyRequest } from './schemas.ts';

const normalize = (email: string) => email.trim().toLowerCase();

/**
 * Passwordless sign-in: POST /auth/otp mails a one-time code (through the queue), POST /auth/verify
 * trades it for an access token. An unknown address is signed up as a customer on verify (the code
 * proves the address). Logout ends this session, logout-all every session of the user, on every
 * instance within a second.
 */
export const authRoutes = routesPlugin(
  'auth',
  [
    'avelon-config',
    'avelon-database',
    'avelon-auth-services',
    'avelon-session-store',
    'avelon-jobs',
    'avelon-auth',
    'avelon-rate-limit',
  ],
  routes,
);

async function routes(app: App): Promise<void> {
  const { auth, limits } = app;
  const otpRequests = metric(app.registry, metricCatalog.authOtpRequests);
  const verifications = metric(app.registry, metricCatalog.authVerifications);

  app.post(
    '/auth/otp',
    {
      preHandler: limits.auth,
      schema: {
        tags: ['auth'],
        summary: 'Mail a one-time sign-in code (202 whether or not the address has an account)',
        body: OtpRequest,
        response: { 202: OtpAccepted, ...errors(413, 415) },
      },
    },
    async (request, reply) => {
      const email = normalize(request.body.email);
      const code = await app.otp.issue(email);
      try {
        await app.jobs.enqueue('otp-code', { email, code, expiresInSeconds: app.otp.ttlSeconds });
      } catch (error) {
        otpRequests.labels('error').inc();
        throw new ApiError('API_ERR_UNAVAILABLE', 'The code could not be sent; retry shortly.', { cause: error });
      }
      otpRequests.labels('sent').inc();
      return reply.code(202).send({ status: 'sent' as const, expiresInSeconds: app.otp.ttlSeconds });
    },
  );

  app.post(
    '/auth/verify',
    {
      preHandler: limits.auth,
      schema: {
        tags: ['auth'],
        summary: 'Trade a one-time code for an access token; creates the customer account on first sign-in',
        body: VerifyRequest,
        response: { 200: TokenResponse, ...errors(401, 403, 413, 415) },
      },
    },
    async (request) => {
      const email = normalize(request.body.email);
      if (!(await app.otp.check(email, request.ip, request.body.code))) {
        verifications.labels('invalid').inc();
        throw new ApiError('API_ERR_OTP_INVALID');
      }
      const user = await findOrCreateUser(app.db.primary, email);
      if (user.isBanned) {
        verifications.labels('banned').inc();
        throw new ApiError('API_ERR_ACCOUNT_BANNED');
      }
      const { token, claims } = await app.tokens.sign(user.id);
      await app.sessions.create(claims, user.role);
      if (user.created) {
        // A lost welcome mail is not worth failing a sign-in for; the job id makes a retry a no-op.
        await app.jobs
          .enqueue('welcome', { userId: user.id, email: user.email, name: user.name })
          .catch((error: unknown) => request.log.warn({ err: error }, 'welcome mail not enqueued'));
      }
      verifications.labels(user.created ? 'new_user' : 'ok').inc();
      return {
        accessToken: token,
        tokenType: 'Bearer' as const,
        expiresIn: claims.exp - Math.floor(Date.now() / 1000),
        user: { id: user.id, email: user.email, role: user.role, isNew: user.created },
      };
    },
  );

  app.post(
    '/auth/logout',
    {
      onRequest: auth.user,
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        security: bearer,
        response: { 204: NoContent, ...errors(401) },
      },
    },
    async (request, reply) => {
      await app.sessions.revoke(currentUser(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/logout-all',
    {
      onRequest: auth.user,
      schema: {
        tags: ['auth'],
        summary: 'End every session of this user',
        security: bearer,
        response: { 204: NoContent, ...errors(401) },
      },
    },
    async (request, reply) => {
      await app.sessions.revokeAll(currentUser(request).id);
      return reply.code(204).send(null);
    },
  );
}
