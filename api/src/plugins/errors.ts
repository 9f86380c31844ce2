import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, type ApiErrorCode, apiErrors, errorBody } from '../errors.ts';
import { isUnavailable } from './unavailable.ts';

// Fastify's own errors for client mistakes, mapped to our codes (never a 500).
const fastifyCodes: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'API_ERR_MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'API_ERR_MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'API_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'API_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'API_ERR_VALIDATION',
  FST_ERR_CTP_INVALID_TYPE: 'API_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_VALIDATION: 'API_ERR_VALIDATION',
  FST_ERR_BAD_URL: 'API_ERR_VALIDATION',
  FST_ERR_ASYNC_CONSTRAINT: 'API_ERR_VALIDATION',
};

/**
 * One place turns every error into `{ error: { code, message } }`: ours (ApiError), Fastify's
 * (validation, parsing, size), database outages (503), and the rest (500, logged). Unknown routes are
 * 404, known paths with another method 405 with an Allow header.
 */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  const routes: Array<{ method: string; pattern: RegExp }> = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const pattern = new RegExp(`^${route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+')}/?$`);
    for (const method of methods) routes.push({ method, pattern });
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))];
    if (allowed.length > 0) {
      return reply.code(405).header('allow', allowed.join(', ')).send(errorBody('API_ERR_METHOD_NOT_ALLOWED'));
    }
    return reply.code(404).send(errorBody('API_ERR_ROUTE_NOT_FOUND'));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      if (error.statusCode >= 500) request.log.warn({ err: error.cause ?? error }, error.message);
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details));
    }
    if (error.validation) {
      const details = error.validation.map((v) => {
        const params = v.params as { missingProperty?: string; additionalProperty?: string } | undefined;
        const name = params?.missingProperty ?? params?.additionalProperty;
        return { path: name ? `${v.instancePath}/${name}` : v.instancePath, message: v.message ?? 'invalid' };
      });
      return reply
        .code(400)
        .send(errorBody('API_ERR_VALIDATION', `Invalid ${error.validationContext ?? 'request'}.`, details));
    }
    const mapped = error.code ? fastifyCodes[error.code] : undefined;
    if (mapped) return reply.code(new ApiError(mapped).statusCode).send(errorBody(mapped, error.message));
    if (error instanceof SyntaxError) return reply.code(400).send(errorBody('API_ERR_MALFORMED_JSON'));
    if (isUnavailable(error)) {
      request.log.warn({ err: error }, 'dependency unavailable');
      return reply.code(503).header('retry-after', '1').send(errorBody('API_ERR_UNAVAILABLE'));
    }
    // Other 4xx from Fastify or plugins (e.g. 414): keep the status, never call them 500.
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(errorBody('API_ERR_VALIDATION', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(errorBody('API_ERR_INTERNAL'));
  });
});

/**
 * Fastify's `frameworkErrors` option: what its router refuses before any hook or handler runs (a path
 * that does not percent-decode, a path parameter past maxParamLength, a failed async constraint). Without
 * it Fastify answers in its own shape, without our code. All three are a path that no route's schema
 * accepts: 400 API_ERR_VALIDATION.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  reply.code(400).send(errorBody('API_ERR_VALIDATION', error.message));
}

/**
 * Fastify's `clientErrorHandler` option: what node's HTTP parser refuses, before Fastify sees a request
 * (bytes that are not HTTP, headers too large, a request that does not arrive in time). There is no
 * reply object, only the socket: the answer is written raw, in the registry's shape, and the connection
 * closed, as node does.
 */
export function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ApiErrorCode =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'API_ERR_REQUEST_TIMEOUT'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 'API_ERR_HEADERS_TOO_LARGE'
        : 'API_ERR_MALFORMED_REQUEST';
  const { status } = apiErrors[code];
  const body = JSON.stringify(errorBody(code));
  this.log.debug({ err: error }, 'client error');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
