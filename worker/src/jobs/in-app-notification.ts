import { jobPayloads } from '@avelon/core';
import type { JobHandler } from './job-handler.ts';

/**
 * A row in the user's inbox (notifications table) through the primary. The ledger keys it by user and
 * the producer's dedupeKey, and so does a unique index, so even a crash inside the ledger's window
 * writes no second row.
 */
export const inAppNotification: JobHandler<'in-app-notification'> = {
  kind: 'in-app-notification',
  schema: jobPayloads['in-app-notification'],
  async run(p, ctx) {
    const id = await ctx.notifications.insert({
      userId: p.userId,
      kind: p.kind,
      title: p.title,
      body: p.body,
      dedupeKey: p.dedupeKey,
    });
    return `notification:${id}`;
  },
};
