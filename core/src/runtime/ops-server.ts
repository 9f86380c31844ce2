// The small HTTP server every app runs on its ops port, apart from any public port: probes, metrics
// and a few app-specific read-only pages. Plain node:http: it must answer while the app's own
// framework is busy, closing or absent (the worker and the operator have none).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type CheckFn, type ReadinessCheck, type ReadinessReport, runChecks } from './readiness.ts';

/**
 * An extra GET route: `json` answers 200 with its value as JSON; `handle` answers by itself (e.g. by
 * handing the request to the app's Fastify instance).
 */
export type OpsRoute =
  | { json: (url: URL) => unknown }
  | { handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void> };

export interface OpsServerOptions {
  /** Interface to listen on: loopback unless in a container (OPS_HOST). */
  host: string;
  /** 0 picks a free port (tests); `port` on the result says which. */
  port: number;
  /** What GET /metrics serves. */
  registry: Registry;
  /** Dependencies /readyz checks, by the name it reports them under. */
  checks: Record<string, CheckFn | ReadinessCheck>;
  /** @defaultValue 1000 */
  checkTimeoutMs?: number;
  /** Extra GET routes by path; a path ending in `/*` also matches everything below it. */
  routes?: Record<string, OpsRoute>;
  /** Runs before each /metrics answer (gauges read on demand); a failure still serves the rest. */
  beforeMetrics?: () => Promise<void>;
  logger: Logger;
}

export interface OpsServer {
  /** The bound port (differs from the option when that was 0). */
  readonly port: number;
  /** http://host:port, for logs and tests. */
  readonly url: string;
  /** /readyz answers 503 from now on: a pod that is leaving gets no new traffic while it finishes. */
  drain(): void;
  /** /livez answers 503 from now on: the app cannot recover by itself and wants a restart. */
  markBroken(reason: string): void;
  close(): Promise<void>;
}

/** Starts the ops server: GET /livez, /readyz, /metrics and `routes`; anything else is 404. */
export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  let draining = false;
  let broken: string | undefined;
  let lastStatus: ReadinessReport['status'] | undefined;
  const prefixes = Object.entries(o.routes ?? {}).filter(([path]) => path.endsWith('/*'));

  const readiness = async (): Promise<ReadinessReport> => {
    const report: ReadinessReport = draining
      ? { status: 'draining', checks: {} }
      : await runChecks(o.checks, o.checkTimeoutMs ?? 1000);
    // Once per change, not once per probe: a probe every few seconds would bury everything else.
    if (report.status !== lastStatus) {
      const level = report.status === 'ok' || report.status === 'draining' ? 'info' : 'warn';
      o.logger[level]({ readiness: report.status, checks: report.checks }, 'readiness changed');
      lastStatus = report.status;
    }
    return report;
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://ops');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendError(res, 405, 'OPS_ERR_METHOD_NOT_ALLOWED', `${req.method} is not served here; use GET.`);
    }
    switch (url.pathname) {
      case '/livez':
        return broken === undefined
          ? send(res, 200, { status: 'ok' })
          : send(res, 503, { status: 'broken', reason: broken });
      case '/readyz': {
        const report = await readiness();
        return send(res, report.status === 'ok' || report.status === 'degraded' ? 200 : 503, report);
      }
      case '/metrics': {
        await o.beforeMetrics?.().catch((error: unknown) => o.logger.debug({ err: error }, 'before /metrics failed'));
        const body = await o.registry.metrics();
        res.writeHead(200, { ...headers, 'content-type': o.registry.contentType }).end(body);
        return;
      }
    }
    const extra =
      o.routes?.[url.pathname] ??
      prefixes.find(([p]) => url.pathname === p.slice(0, -2) || url.pathname.startsWith(p.slice(0, -1)))?.[1];
    if (!extra) return sendError(res, 404, 'OPS_ERR_NOT_FOUND', `No ops endpoint at ${url.pathname}.`);
    if ('json' in extra) return send(res, 200, await extra.json(url));
    return extra.handle(req, res);
  };

  const server = createServer({ requestTimeout: 10_000, headersTimeout: 5000 }, (req, res) => {
    route(req, res).catch((error: unknown) => {
      o.logger.error({ err: error, path: req.url }, 'ops request failed');
      if (!res.headersSent) sendError(res, 500, 'OPS_ERR_INTERNAL', 'The ops endpoint failed; see the logs.');
      else res.destroy();
    });
  });
  // Scrapes and probes are short; an idle keep-alive socket must not hold shutdown up.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;
  o.logger.info({ ops: url }, 'ops server up: /livez /readyz /metrics');

  return {
    port,
    url,
    drain: () => {
      draining = true;
    },
    markBroken: (reason) => {
      broken = reason;
      o.logger.error({ reason }, 'marked broken: /livez answers 503');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// Never cached by a proxy; never sniffed into another type by a browser.
const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { error: { code, message } });
}
