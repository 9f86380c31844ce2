import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** What /health reports; `ready` false answers 503 so no one counts on this process. */
export interface HealthReport {
  ready: boolean;
  checks: Record<string, string>;
}

export interface HttpServerOptions {
  port: number;
  /** Interface to listen on (WORKER's HOST: loopback unless in a container). */
  host: string;
  registry: Registry;
  health: () => Promise<HealthReport>;
  /** Runs before each /metrics answer (reads the queue-wide gauges from Redis). */
  beforeMetrics?: () => Promise<void>;
}

export interface RunningHttpServer {
  /** The bound port (differs from the option when that was 0). */
  port: number;
  close(): Promise<void>;
}

/** The worker's small HTTP surface: GET /metrics (Prometheus), GET /health (readiness), GET /live. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const server = createServer((req, res) => {
    route(options, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `error: ${(error as Error).message}\n`);
      else res.destroy();
    });
  });
  // Scrapes and probes are short; idle keep-alive sockets must not hold shutdown up.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function route(options: HttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://worker').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
  switch (path) {
    case '/metrics': {
      await options.beforeMetrics?.().catch(() => {});
      return send(res, 200, options.registry.contentType, await options.registry.metrics());
    }
    case '/health': {
      const report = await options.health();
      return send(res, report.ready ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`);
    }
    case '/live':
      return send(res, 200, 'text/plain', 'ok\n');
    default:
      return send(res, 404, 'text/plain', 'not found\n');
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}
