import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { OtpService } from '../../auth/otp.ts';
import { TokenSigner } from '../../auth/tokens.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Signs and verifies access tokens (JWT). */
    tokens: TokenSigner;
    /** Sign-in codes by email, in the cache Redis (a lost code is only asked again). */
    otp: OtpService;
  }
}

/** The token signer and the one-time sign-in codes. */
export const authServicesPlugin = fp(
  async (app: FastifyInstance) => {
    const { config } = app;
    app.decorate('tokens', new TokenSigner(config.JWT_SECRET, config.JWT_ISSUER, config.ACCESS_TOKEN_TTL_SECONDS));
    app.decorate(
      'otp',
      new OtpService({
        redis: app.cacheRedis,
        breaker: app.cacheBreaker,
        secret: config.JWT_SECRET,
        ttlSeconds: config.OTP_TTL_SECONDS,
        maxAttempts: config.OTP_MAX_ATTEMPTS,
        maxPending: config.OTP_MAX_PENDING,
      }),
    );
  },
  { name: 'avelon-auth-services', dependencies: ['avelon-config', 'avelon-cache-redis'] },
);
