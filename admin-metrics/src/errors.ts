/**
 * Every error the dashboard answers with: a stable code and its HTTP status. Bodies are
 * `{ code, message }`; nothing else (no data) is ever in an error body.
 */
export const dashboardErrors = {
  ADMIN_ERR_UNAUTHENTICATED: { status: 401, message: 'Log in first.' },
  ADMIN_ERR_BAD_CREDENTIALS: { status: 401, message: 'Wrong user name or password.' },
  ADMIN_ERR_LOGIN_DISABLED: { status: 503, message: 'No admin password is configured (ADMIN_PASSWORD_HASH).' },
  ADMIN_ERR_LOGIN_RATE_LIMITED: { status: 429, message: 'Too many login attempts; try again later.' },
  ADMIN_ERR_BAD_REQUEST: { status: 400, message: 'The request is malformed.' },
  ADMIN_ERR_NOT_FOUND: { status: 404, message: 'No such page.' },
  ADMIN_ERR_NOT_BUILT: { status: 503, message: 'The page is not built: npm run build -w @avelon/admin-metrics.' },
  ADMIN_ERR_INTERNAL: { status: 500, message: 'Internal error.' },
} as const;

export type DashboardErrorCode = keyof typeof dashboardErrors;

/** An error with one of the codes above; the error handler turns it into its status and body. */
export class DashboardError extends Error {
  readonly code: DashboardErrorCode;
  readonly statusCode: number;
  constructor(code: DashboardErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? dashboardErrors[code].message, options);
    this.name = 'DashboardError';
    this.code = code;
    this.statusCode = dashboardErrors[code].status;
  }
}
