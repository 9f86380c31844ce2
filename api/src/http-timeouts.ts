import type { Server, ServerOptions } from 'node:http';
import type { ApiConfig } from './config.ts';

type TimeoutConfig = Pick<
  ApiConfig,
  | 'HTTP_REQUEST_TIMEOUT_MS'
  | 'HTTP_HEADERS_TIMEOUT_MS'
  | 'HTTP_CONNECTION_TIMEOUT_MS'
  | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'
  | 'HTTP_TIMEOUT_CHECK_INTERVAL_MS'
>;

/**
 * Options of node:http's createServer: a client that sends its headers or body slowly, or not at all,
 * is answered 408 and cut, instead of holding a socket (and memory) for as long as it likes.
 * headersTimeout and the checking interval can only be given here, not set on the server afterwards.
 */
export function httpServerOptions(c: TimeoutConfig): ServerOptions {
  return {
    requestTimeout: c.HTTP_REQUEST_TIMEOUT_MS,
    headersTimeout: c.HTTP_HEADERS_TIMEOUT_MS,
    keepAliveTimeout: c.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: c.HTTP_TIMEOUT_CHECK_INTERVAL_MS,
  };
}

/** Fastify's own options for the same limits (it sets them on its server after creating it). */
export function fastifyTimeouts(c: TimeoutConfig) {
  return {
    http: httpServerOptions(c),
    requestTimeout: c.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: c.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    // Inactivity of a socket in the middle of a request (server.setTimeout).
    connectionTimeout: c.HTTP_CONNECTION_TIMEOUT_MS,
  };
}

/** The same limits on a server made with httpServerOptions (the socket inactivity is set afterwards). */
export function applyConnectionTimeout(server: Server, c: TimeoutConfig): void {
  server.setTimeout(c.HTTP_CONNECTION_TIMEOUT_MS, (socket) => socket.destroy());
}
