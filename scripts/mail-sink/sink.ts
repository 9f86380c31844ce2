// The local SMTP sink: a development and test tool, not a deployable (production sends to a real SMTP
// relay). It lives in scripts/ beside the other stack tooling; `make up` runs it from services.tsv and
// the worker's integration tests start it in-process. See docs/workers.md.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SMTPServer } from 'smtp-server';
import { createHttpServer } from './http.ts';
import { MailStore } from './mail-store.ts';
import { createSmtpServer } from './smtp.ts';

export interface MailSinkOptions {
  /** 0 picks a free port. */
  smtpPort: number;
  httpPort: number;
  host?: string;
  maxMessages?: number;
}

export interface MailSink {
  readonly smtpPort: number;
  readonly httpPort: number;
  /** The messages and behaviour, for in-process tests (the same the HTTP API serves). */
  readonly store: MailStore;
  close(): Promise<void>;
}

/** Starts the SMTP and HTTP sides; resolves with the ports they listen on. */
export async function startMailSink(options: MailSinkOptions): Promise<MailSink> {
  const host = options.host ?? '127.0.0.1';
  const store = new MailStore(options.maxMessages ?? 50_000);
  const smtp = createSmtpServer(store);
  const http = createHttpServer(store);
  const smtpPort = await listen(smtp, options.smtpPort, host);
  const httpPort = await listen(http, options.httpPort, host).catch(async (error) => {
    await new Promise<void>((r) => smtp.close(() => r()));
    throw error;
  });
  return {
    smtpPort,
    httpPort,
    store,
    close: async () => {
      http.closeAllConnections();
      await Promise.all([
        new Promise<void>((r) => smtp.close(() => r())),
        new Promise<void>((r) => http.close(() => r())),
      ]);
    },
  };
}

function listen(server: SMTPServer | Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const net = 'server' in server ? (server.server as Server) : server;
    net.once('error', reject);
    net.listen(port, host, () => resolve((net.address() as AddressInfo).port));
  });
}
