import { type DatabaseRouter, schema } from '@avelon/core';
import { and, eq } from 'drizzle-orm';
import { PermanentJobError } from '../errors.ts';

/** One in-app notification as the job writes it. */
export interface NewNotification {
  userId: number;
  kind: string;
  title: string;
  body: string;
  /** Same user and key = same notification: inserted once however often the job runs. */
  dedupeKey: string;
}

/** Where in-app notifications go: Postgres in production, a fake in unit tests. */
export interface NotificationStore {
  /** Inserts the row once per (user, dedupeKey) and returns its id (the existing one on a re-run). */
  insert(notification: NewNotification): Promise<number>;
}

/** Writes notifications through the router's primary (PgBouncer), one statement per job. */
export class PostgresNotificationStore implements NotificationStore {
  readonly #router: DatabaseRouter;

  constructor(router: DatabaseRouter) {
    this.#router = router;
  }

  async insert(n: NewNotification): Promise<number> {
    try {
      const t = schema.notifications;
      const db = this.#router.primary;
      const [row] = await db
        .insert(t)
        .values({ userId: n.userId, kind: n.kind, title: n.title, body: n.body, dedupeKey: n.dedupeKey })
        .onConflictDoNothing({ target: [t.userId, t.dedupeKey] })
        .returning({ id: t.id });
      if (row) return row.id;
      // A run that crashed after its insert committed (inside the ledger's window) left the row: reuse it.
      const [existing] = await db
        .select({ id: t.id })
        .from(t)
        .where(and(eq(t.userId, n.userId), eq(t.dedupeKey, n.dedupeKey)));
      if (!existing) throw new Error('insert conflicted but no row was found');
      return existing.id;
    } catch (error) {
      // 23503: the user was deleted since the job was enqueued; retrying cannot bring them back.
      if (pgCode(error) === '23503') {
        throw new PermanentJobError(`user ${n.userId} does not exist`, { cause: error });
      }
      throw error;
    }
  }
}

function pgCode(error: unknown): string | undefined {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
