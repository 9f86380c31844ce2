import { createServer, type Server } from 'node:http';
import { operatorDecisionsPath } from '@avelon/core';
import type { Registry } from 'prom-client';
import type { DecisionLog } from './controller/decision-log.ts';

/**
 * The operator's HTTP side: /metrics (prom-client), /healthz, /status (what it decided, as JSON) and
 * /decisions (every recent change with its reason and inputs; `?since=N` for those after N).
 */
export function startHttpServer(o: {
  port: number;
  registry: Registry;
  status: () => unknown;
  decisions: () => DecisionLog;
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
      } else if (path === operatorDecisionsPath) {
        const since = Number(new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('since') ?? 0);
        const body = o.decisions().since(Number.isFinite(since) ? since : 0);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
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
