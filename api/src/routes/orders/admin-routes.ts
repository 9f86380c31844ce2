import { addToOutbox } from '@avelon/core';
import { sql } from 'drizzle-orm';
import { rememberWrite, userKey } from '../../db/consistency.ts';
import { pgArray } from '../../db/pg-errors.ts';
import { ApiError, notFound } from '../../errors.ts';
import { currentUser } from '../../plugins/auth.ts';
import { deliverAfterCommit } from '../../queue/outbox.ts';
import { bearer, errors, IdParams } from '../../schemas/common.ts';
import type { App, RouteContext } from '../context.ts';
import { itemsJson, orderColumns, withItems } from './queries.ts';
import { allowedFrom, Order, StatusUpdate } from './schemas.ts';

type Row = Record<string, unknown>;

/**
 * PATCH /admin/orders/:id: moves an order along its lifecycle with a conditional UPDATE (the current
 * status must allow it, else 409). Setting the status it already has is a no-op 200, so a retried
 * request is harmless. The move to `shipped` puts the shipped email in the outbox in the same
 * transaction (so it cannot be lost), and it is enqueued right after the commit (the relay retries).
 */
export async function orderAdminRoutes(app: App, { deps, auth, limits }: RouteContext): Promise<void> {
  app.patch(
    '/orders/:id',
    {
      onRequest: auth.admin,
      preHandler: limits.writes,
      schema: {
        tags: ['admin'],
        security: bearer,
        params: IdParams,
        body: StatusUpdate,
        response: { 200: Order, ...errors(401, 403, 404, 409, 413, 415) },
      },
    },
    async (request) => {
      const admin = currentUser(request);
      const { id } = request.params;
      const next = request.body.status;
      const from = [next, ...allowedFrom[next]];
      const { row, mail } = await deps.db.primary.transaction(async (tx) => {
        const result = await tx.execute<Row>(sql`
        WITH cur AS (SELECT id, status FROM orders WHERE id = ${id}),
        u AS (
          UPDATE orders o SET status = ${next}, updated_at = CASE WHEN o.status = ${next} THEN o.updated_at ELSE now() END
          FROM cur WHERE o.id = cur.id AND cur.status::text = ANY(${pgArray(from)})
          RETURNING o.*
        )
        SELECT (SELECT status FROM cur) AS previous, (SELECT email FROM users WHERE id = o.user_id) AS email,
               o.user_id, ${orderColumns}, ${itemsJson}
        FROM (SELECT 1) one LEFT JOIN u o ON true`);
        const row = result.rows[0];
        // Only the move into shipped announces it: setting shipped again (a retry) adds no mail.
        const ships = row?.id != null && next === 'shipped' && row.previous !== 'shipped';
        const mail = ships
          ? await addToOutbox(tx, 'order-shipped', {
              orderId: Number(row.id),
              orderNumber: Number(row.number),
              userId: Number(row.user_id),
              email: String(row.email),
            })
          : undefined;
        return { row, mail };
      });
      if (!row?.previous) throw notFound('Order');
      if (row.id === null) {
        throw new ApiError('API_ERR_INVALID_TRANSITION', `An order that is ${row.previous} cannot become ${next}.`);
      }
      await rememberWrite(deps.db, deps.writePositions, [userKey(admin.id), userKey(Number(row.user_id))]);
      // Committed with its outbox row: a queue outage delays the mail, it no longer fails the request.
      await deliverAfterCommit(deps.db.primary, deps.jobs, mail, request.log);
      return withItems(row);
    },
  );
}
