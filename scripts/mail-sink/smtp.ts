import { setTimeout as sleep } from 'node:timers/promises';
import { SMTPServer } from 'smtp-server';
import type { MailStore } from './mail-store.ts';

/**
 * The SMTP side of the sink: accepts any sender and recipient without authentication or TLS (it only
 * listens on loopback, or on the test node's own address for its pods), stores each message with the
 * address that sent it, or rejects it when the store's behaviour says so.
 */
export function createSmtpServer(store: MailStore): SMTPServer {
  const server = new SMTPServer({
    name: 'avelon-mail-sink',
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (error) => callback(error));
      stream.on('end', async () => {
        const { delayMs } = store.behaviour;
        if (delayMs > 0) await sleep(delayMs);
        if (store.takeRejection()) {
          const code = store.behaviour.rejectCode;
          const error = Object.assign(
            new Error(
              code >= 500 ? 'mailbox unavailable (sink told to refuse)' : 'try again later (sink told to refuse)',
            ),
            {
              responseCode: code,
            },
          );
          return callback(error);
        }
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        const mail = store.add(Buffer.concat(chunks), { from, to, client: session.remoteAddress });
        callback(null, `queued as ${mail.id}`);
      });
    },
  });
  // A client that dies mid-session (a killed worker) resets its connection: routine for a sink, and
  // without a listener the error would end the process.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') console.error(`mail sink: ${error.message}`);
  });
  return server;
}
