import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** The operator's HTTP side: /metrics (prom-client), /healthz, and /status (what it decided, as JSON). */
export function startHttpServer(o: {
  port: number;
  registry: Registry;
  status: () => unknown;
  healthy: () => boolean;
}): Promise<Server> {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/metrics') {
        res.writeHead(200, { 'content-type': o.registry.contentType }).end(await o.registry.metrics());
      } else if (path === '/healthz') {
        const ok = o.healthy();
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
      } else if (path === '/status') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o.status(), null, 2));
      } else {
        res.writeHead(404).end();
      }
    } catch (e) {
      res.writeHead(500).end((e as Error).message);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '0.0.0.0', () => resolve(server));
  });
}
