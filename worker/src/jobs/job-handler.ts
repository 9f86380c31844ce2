import type { JobKind, JobPayload, jobPayloads } from '@avelon/core';
import type { Mailer } from '../mail/mail.ts';
import type { NotificationStore } from '../notifications/notification-store.ts';

/** What a job's effect may use: the side-effecting services and the few settings templates need. */
export interface JobContext {
  mailer: Mailer;
  notifications: NotificationStore;
  /** The job's entity key (jobEntityKey), from which the Message-ID is derived. */
  entityKey: string;
  messageIdDomain: string;
  /** Base URL of the shop, for links in mails. */
  siteUrl: string;
}

/**
 * One job kind: its payload schema (shared with producers through core) and its effect. `run` does the
 * effect once and returns its detail (a Message-ID, a row id) for the idempotency ledger; it throws
 * PermanentJobError for what no retry can fix.
 */
export interface JobHandler<K extends JobKind = JobKind> {
  readonly kind: K;
  readonly schema: (typeof jobPayloads)[K];
  run(payload: JobPayload<K>, ctx: JobContext): Promise<string>;
}

/** Every kind has its handler; a kind added to core without one is a type error here. */
export type JobHandlers = { readonly [K in JobKind]: JobHandler<K> };
