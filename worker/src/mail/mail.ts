/** One rendered mail, text and HTML, before it has an envelope. */
export interface RenderedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** A rendered mail with the headers the job adds. */
export interface OutgoingMail extends RenderedMail {
  /** Derived from the job (messageIdFor), identical on every attempt. */
  messageId: string;
}

/** Sends mail; the SMTP implementation is mailer.ts, tests may pass a fake. */
export interface Mailer {
  /** Resolves with the Message-ID once the server accepted the message. */
  send(mail: OutgoingMail): Promise<string>;
  close(): void;
}
