/**
 * The one registry of API errors: a stable code (clients and docs/api-errors.md rely on it), its HTTP
 * status and a default message. Every error response is `{ error: { code, message, details? } }`.
 * A test checks that every code here is documented.
 */
export const apiErrors = {
  API_ERR_VALIDATION: { status: 400, message: 'The request does not match the schema.' },
  API_ERR_MALFORMED_JSON: { status: 400, message: 'The body is not valid JSON.' },
  API_ERR_MALFORMED_REQUEST: {
    status: 400,
    message: 'The request is not valid HTTP/1.1 (its request line or a header name or value).',
  },
  API_ERR_BAD_CURSOR: { status: 400, message: 'The cursor is not one this API issued for this sort.' },
  API_ERR_UNAUTHENTICATED: { status: 401, message: 'Sign in first: a valid bearer token is required.' },
  API_ERR_OTP_INVALID: { status: 401, message: 'The code is wrong, expired or used up.' },
  API_ERR_FORBIDDEN: { status: 403, message: 'Your role may not do this.' },
  API_ERR_ACCOUNT_BANNED: { status: 403, message: 'This account is banned.' },
  API_ERR_ROUTE_NOT_FOUND: { status: 404, message: 'No such route.' },
  API_ERR_NOT_FOUND: { status: 404, message: 'No such resource.' },
  API_ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'The route exists but not with this method.' },
  API_ERR_REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time.' },
  API_ERR_CONFLICT: { status: 409, message: 'A resource with this unique value already exists.' },
  API_ERR_IN_USE: { status: 409, message: 'Other records still refer to this resource.' },
  API_ERR_CART_EMPTY: { status: 409, message: 'The cart is empty.' },
  API_ERR_OUT_OF_STOCK: { status: 409, message: 'Not enough stock for some items of the cart.' },
  API_ERR_INVALID_TRANSITION: { status: 409, message: 'The order cannot move to that status from its current one.' },
  API_ERR_STOCK_BELOW_ZERO: {
    status: 409,
    message: 'The adjustment would make the stock negative; nothing was changed.',
  },
  API_ERR_PRECONDITION_FAILED: {
    status: 412,
    message: 'The resource changed since you read it (If-Match does not match its ETag); read it again.',
  },
  API_ERR_BODY_TOO_LARGE: { status: 413, message: 'The body is larger than the limit.' },
  API_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json.' },
  API_ERR_UNPROCESSABLE: { status: 422, message: 'The request is well-formed but refers to something invalid.' },
  API_ERR_PRECONDITION_REQUIRED: {
    status: 428,
    message: 'This write needs an If-Match header with the ETag of the resource as you read it.',
  },
  API_ERR_RATE_LIMITED: { status: 429, message: 'Too many requests; retry after the Retry-After header.' },
  API_ERR_HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are larger than the limit.' },
  API_ERR_INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
  API_ERR_UNAVAILABLE: { status: 503, message: 'A dependency is unavailable; retry shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof apiErrors;

/** A control-flow error that becomes a response with a registered code; anything else keeps its cause. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    code: ApiErrorCode,
    message?: string,
    options: { details?: unknown; cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message ?? apiErrors[code].message, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = apiErrors[code].status;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** The JSON body of an error response. */
export function errorBody(code: ApiErrorCode, message?: string, details?: unknown) {
  return {
    error: { code, message: message ?? apiErrors[code].message, ...(details === undefined ? {} : { details }) },
  };
}

/** Shorthand for the most common 404. */
export const notFound = (what: string) => new ApiError('API_ERR_NOT_FOUND', `${what} not found.`);
