import type { Db } from '@avelon/core';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { catalogueKey, rememberWrite, userKey } from './consistency.ts';
import { PG_CHECK_VIOLATION, PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION, pgError } from './pg-errors.ts';

/**
 * Runs an admin write on the primary, then makes it visible everywhere in the same request: records
 * the WAL position (the admin's reads and every cache refill wait for replicas to replay it), then
 * invalidates the cache tags in Redis and on every instance. Constraint violations become 409/422.
 */
export async function catalogueWrite<T>(
  deps: Pick<FastifyInstance, 'db' | 'writePositions' | 'invalidator'>,
  adminId: number,
  kind: 'upsert' | 'delete',
  tags: (result: T) => string[],
  run: (db: Db) => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await run(deps.db.primary);
  } catch (error) {
    throw translate(error, kind);
  }
  await rememberWrite(deps.db, deps.writePositions, [catalogueKey, userKey(adminId)]);
  await deps.invalidator.invalidate(tags(result));
  return result;
}

function translate(error: unknown, kind: 'upsert' | 'delete'): unknown {
  const pg = pgError(error);
  if (!pg) return error;
  if (pg.code === PG_UNIQUE_VIOLATION) {
    return new ApiError(
      'API_ERR_CONFLICT',
      `A record with this unique value already exists (${pg.constraint ?? 'unique'}).`,
    );
  }
  if (pg.code === PG_FOREIGN_KEY_VIOLATION) {
    return kind === 'delete'
      ? new ApiError('API_ERR_IN_USE', `Other records still refer to it (${pg.constraint ?? 'foreign key'}).`)
      : new ApiError(
          'API_ERR_UNPROCESSABLE',
          `A referenced record does not exist (${pg.constraint ?? 'foreign key'}).`,
        );
  }
  if (pg.code === PG_CHECK_VIOLATION) {
    return new ApiError('API_ERR_UNPROCESSABLE', `A value is out of range (${pg.constraint ?? 'check'}).`);
  }
  return error;
}
