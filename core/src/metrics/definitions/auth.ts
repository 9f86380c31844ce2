import { defineMetric as def } from '../define.ts';

/** Sign-in and sessions. */
export const authMetrics = {
  authOtpRequests: def({
    name: 'avelon_auth_otp_requests_total',
    type: 'counter',
    help: 'One-time codes requested, by outcome (sent, error).',
    labelNames: ['outcome'],
  }),
  authVerifications: def({
    name: 'avelon_auth_verifications_total',
    type: 'counter',
    help: 'Code verifications, by outcome (ok, new_user, invalid, banned).',
    labelNames: ['outcome'],
  }),
  authSessionChecks: def({
    name: 'avelon_auth_session_checks_total',
    type: 'counter',
    help: 'Session lookups of authenticated requests, by source (memory, redis) and outcome (valid, revoked, unavailable).',
    labelNames: ['source', 'outcome'],
  }),
  authRevocations: def({
    name: 'avelon_auth_revocations_total',
    type: 'counter',
    help: 'Sessions revoked, by kind (logout, logout_all).',
    labelNames: ['kind'],
  }),
};
