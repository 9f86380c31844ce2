import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The queues and job kinds shared by producers (api/) and consumers (worker/): names and payload
 * schemas live here so both sides agree by construction. A worker validates every payload with the
 * same schema and fails a bad one at once, without retries.
 */
export const queueNames = { emails: 'emails', notifications: 'notifications' } as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/**
 * The pattern an email address of a job must match (zod's email pattern, the one `email` below uses).
 * Producers validate their input with it too (the API's request schemas), so an address a request got
 * past validation with can always be enqueued, never a payload error at enqueue time.
 */
export const EMAIL_PATTERN = z.regexes.email.source;
const email = z.email({ pattern: z.regexes.email }).max(254);
const id = z.number().int().positive();

export const jobPayloads = {
  'otp-code': z
    .object({ email, code: z.string().regex(/^\d{6}$/), expiresInSeconds: z.number().int().positive() })
    .strict(),
  welcome: z.object({ userId: id, email, name: z.string().max(200).nullable() }).strict(),
  // orderNumber is what the customer knows (orders.number); orderId keys the job and the order link.
  'order-confirmation': z.object({ orderId: id, orderNumber: id, userId: id, email }).strict(),
  'order-shipped': z.object({ orderId: id, orderNumber: id, userId: id, email }).strict(),
  'payment-success': z.object({ paymentId: id, orderId: id, orderNumber: id, userId: id, email }).strict(),
  'in-app-notification': z
    .object({
      userId: id,
      kind: z.string().min(1).max(64),
      title: z.string().min(1).max(200),
      body: z.string().max(2000),
      dedupeKey: z.string().min(1).max(200),
    })
    .strict(),
} as const;

export type JobKind = keyof typeof jobPayloads;
export type JobPayload<K extends JobKind> = z.infer<(typeof jobPayloads)[K]>;

/** Which queue carries each kind. */
export const jobQueue: Record<JobKind, QueueName> = {
  'otp-code': 'emails',
  welcome: 'emails',
  'order-confirmation': 'emails',
  'order-shipped': 'emails',
  'payment-success': 'emails',
  'in-app-notification': 'notifications',
};

/**
 * The entity a job is about: the same kind about the same entity is the same job. It is both the
 * BullMQ job id (a retried request enqueues nothing new) and the worker's idempotency-ledger key
 * (a retried or re-run job sends nothing new).
 */
export function jobEntityKey<K extends JobKind>(kind: K, payload: JobPayload<K>): string {
  const p = payload as Record<string, unknown>;
  switch (kind) {
    case 'otp-code':
      // Each code is its own mail: a new code for the same address must be sent. Hashed, so job ids
      // and ledger keys in Redis carry neither the address nor the code.
      return `otp-${createHash('sha256').update(`${p.email}:${p.code}`).digest('hex').slice(0, 32)}`;
    case 'welcome':
      return `user-${p.userId}`;
    case 'order-confirmation':
    case 'order-shipped':
      return `order-${p.orderId}`;
    case 'payment-success':
      return `payment-${p.paymentId}`;
    case 'in-app-notification':
      return `user-${p.userId}:${p.dedupeKey}`;
    default:
      throw new Error(`unknown job kind ${String(kind)}`);
  }
}

/** BullMQ forbids ':' in custom job ids; the id is the kind plus the entity key, made safe. */
export function jobId<K extends JobKind>(kind: K, payload: JobPayload<K>): string {
  return `${kind}__${jobEntityKey(kind, payload)}`.replace(/:/g, '_');
}
