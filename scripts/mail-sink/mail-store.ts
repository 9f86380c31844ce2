import { type ParsedMail, simpleParser } from 'mailparser';

/** One message as the sink received it; parsed on first read, so a burst costs the sink little. */
export interface StoredMail {
  id: number;
  receivedAt: string;
  /** `client`: the address the message came from (which pod sent it, on the test node). */
  envelope: { from: string; to: string[]; client?: string };
  raw: Buffer;
  parsed?: MailSummary;
}

/** What the HTTP API shows of a message. */
export interface MailSummary {
  id: number;
  receivedAt: string;
  envelope: StoredMail['envelope'];
  messageId: string | null;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
}

/** How the sink answers the next messages: tests make it fail or slow on purpose. */
export interface SinkBehaviour {
  /** Reject this many next messages after DATA with `rejectCode` (451 = try later, 550 = refused). */
  rejectNext: number;
  rejectCode: number;
  /** Wait this long before answering each message (a slow server). */
  delayMs: number;
}

/**
 * The sink's messages in memory, oldest first, capped at `maxMessages` (the oldest are dropped), with
 * counters of everything accepted and rejected since the last clear.
 */
export class MailStore {
  readonly #maxMessages: number;
  #messages: StoredMail[] = [];
  #nextId = 1;
  accepted = 0;
  rejected = 0;
  readonly behaviour: SinkBehaviour = { rejectNext: 0, rejectCode: 451, delayMs: 0 };

  constructor(maxMessages: number) {
    this.#maxMessages = maxMessages;
  }

  add(raw: Buffer, envelope: StoredMail['envelope']): StoredMail {
    const mail: StoredMail = { id: this.#nextId++, receivedAt: new Date().toISOString(), envelope, raw };
    this.#messages.push(mail);
    if (this.#messages.length > this.#maxMessages) this.#messages.splice(0, this.#messages.length - this.#maxMessages);
    this.accepted++;
    return mail;
  }

  /** True when the next message must be rejected (and counts it). */
  takeRejection(): boolean {
    if (this.behaviour.rejectNext <= 0) return false;
    this.behaviour.rejectNext--;
    this.rejected++;
    return true;
  }

  /** Every stored message, parsed (newest last). */
  async list(): Promise<MailSummary[]> {
    return Promise.all(this.#messages.map((m) => summarize(m)));
  }

  /** Every stored message's envelope (newest last), unparsed: cheap to poll during a burst. */
  envelopes(): Array<StoredMail['envelope']> {
    return this.#messages.map((m) => m.envelope);
  }

  async get(id: number): Promise<MailSummary | undefined> {
    const m = this.#messages.find((x) => x.id === id);
    return m && summarize(m);
  }

  clear(): void {
    this.#messages = [];
    this.accepted = 0;
    this.rejected = 0;
    Object.assign(this.behaviour, { rejectNext: 0, rejectCode: 451, delayMs: 0 });
  }

  get size(): number {
    return this.#messages.length;
  }
}

async function summarize(m: StoredMail): Promise<MailSummary> {
  if (m.parsed) return m.parsed;
  const p: ParsedMail = await simpleParser(m.raw, { skipImageLinks: true });
  m.parsed = {
    id: m.id,
    receivedAt: m.receivedAt,
    envelope: m.envelope,
    messageId: p.messageId ?? null,
    from: p.from?.text ?? '',
    to: addressText(p.to),
    subject: p.subject ?? '',
    text: p.text ?? '',
    html: typeof p.html === 'string' ? p.html : null,
  };
  return m.parsed;
}

function addressText(a: ParsedMail['to']): string {
  if (!a) return '';
  return Array.isArray(a) ? a.map((x) => x.text).join(', ') : a.text;
}
