import { createTransport } from 'nodemailer';
import { PermanentJobError } from '../errors.ts';
import type { Mailer, OutgoingMail } from './mail.ts';

export interface SmtpMailerOptions {
  host: string;
  port: number;
  secure: boolean;
  requireTls: boolean;
  user: string;
  password: string;
  maxConnections: number;
  maxMessages: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
  from: string;
}

/**
 * Mail through a pool of SMTP connections (nodemailer). A permanent rejection (5xx but 503) becomes a
 * PermanentJobError so the job fails at once with the server's answer; anything else (4xx, a dropped
 * connection, a timeout) is thrown as is and the job is retried with backoff.
 */
export class SmtpMailer implements Mailer {
  readonly #transport;

  constructor(options: SmtpMailerOptions) {
    this.#transport = createTransport(
      {
        pool: true,
        host: options.host,
        port: options.port,
        secure: options.secure,
        requireTLS: options.requireTls,
        ...(options.user ? { auth: { user: options.user, pass: options.password } } : {}),
        maxConnections: options.maxConnections,
        maxMessages: options.maxMessages,
        connectionTimeout: options.connectionTimeoutMs,
        greetingTimeout: options.greetingTimeoutMs,
        socketTimeout: options.socketTimeoutMs,
        disableFileAccess: true,
        disableUrlAccess: true,
      },
      { from: options.from },
    );
  }

  async send(mail: OutgoingMail): Promise<string> {
    try {
      await this.#transport.sendMail({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
      });
      return mail.messageId;
    } catch (error) {
      throw classifySmtpError(error);
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/** Wraps a permanent SMTP rejection in PermanentJobError; returns any other error unchanged. */
export function classifySmtpError(error: unknown): unknown {
  const e = error as { responseCode?: number; permanent?: boolean; response?: string; message?: string };
  if (e?.permanent === true || (e?.permanent === undefined && isPermanentCode(e?.responseCode))) {
    return new PermanentJobError(`SMTP server refused the message: ${e.response ?? e.message}`, { cause: error });
  }
  return error;
}

function isPermanentCode(code: number | undefined): boolean {
  return code !== undefined && code >= 500 && code < 600 && code !== 503;
}
