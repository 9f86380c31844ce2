import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { MailStore, MailSummary } from './mail-store.ts';

/**
 * The sink's HTTP side, where a developer reads the mails and a test controls the sink:
 *   GET /              the messages as a minimal HTML list (newest first)
 *   GET /messages      the messages as JSON (`?messageId=<...>` filters)
 *   GET /messages/:id  one message as JSON; /messages/:id/html its HTML body as sent
 *   GET /stats         { accepted, rejected, stored }
 *   POST /control      JSON { rejectNext?, rejectCode?, delayMs? }: fail or slow the next messages
 *   DELETE /messages   forget every message and reset counters and behaviour
 *   GET /health        200 when up
 */
export function createHttpServer(store: MailStore): Server {
  return createServer((req, res) => {
    route(store, req, res).catch((error: unknown) => send(res, 500, 'text/plain', `${(error as Error).message}\n`));
  });
}

async function route(store: MailStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sink');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const one = /^\/messages\/(\d+)(\/html)?$/.exec(path);
  if (req.method === 'GET' && path === '/health') return send(res, 200, 'text/plain', 'ok\n');
  if (req.method === 'GET' && path === '/stats') {
    return json(res, 200, { accepted: store.accepted, rejected: store.rejected, stored: store.size });
  }
  if (req.method === 'GET' && path === '/messages') {
    const want = url.searchParams.get('messageId');
    const all = await store.list();
    return json(res, 200, want ? all.filter((m) => m.messageId === want) : all);
  }
  if (req.method === 'GET' && one) {
    const mail = await store.get(Number(one[1]));
    if (!mail) return send(res, 404, 'text/plain', 'no such message\n');
    return one[2] ? send(res, 200, 'text/html; charset=utf-8', mail.html ?? '') : json(res, 200, mail);
  }
  if (req.method === 'GET' && path === '/') return send(res, 200, 'text/html; charset=utf-8', page(await store.list()));
  if (req.method === 'DELETE' && path === '/messages') {
    store.clear();
    return json(res, 200, { cleared: true });
  }
  if (req.method === 'POST' && path === '/control') {
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    for (const key of ['rejectNext', 'rejectCode', 'delayMs'] as const) {
      const v = body[key];
      if (v === undefined) continue;
      if (!Number.isInteger(v) || (v as number) < 0) return json(res, 400, { error: `${key} must be an integer >= 0` });
      store.behaviour[key] = v as number;
    }
    return json(res, 200, store.behaviour);
  }
  return send(res, 404, 'text/plain', 'not found\n');
}

function page(mails: MailSummary[]): string {
  const rows = mails
    .slice()
    .reverse()
    .map(
      (m) =>
        `<tr><td>${m.id}</td><td>${esc(m.receivedAt)}</td><td>${esc(m.to)}</td>` +
        `<td><a href="/messages/${m.id}/html">${esc(m.subject)}</a></td><td><a href="/messages/${m.id}">json</a></td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Avelon mail sink</title></head>
<body style="font-family: sans-serif"><h1>Avelon mail sink</h1><p>${mails.length} message(s). JSON: <a href="/messages">/messages</a></p>
<table border="1" cellpadding="4" style="border-collapse: collapse"><tr><th>#</th><th>received</th><th>to</th><th>subject</th><th></th></tr>
${rows}
</table></body></html>
`;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', `${JSON.stringify(body)}\n`);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
