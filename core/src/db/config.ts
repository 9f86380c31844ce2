import type { z } from 'zod';
import { envBool, envInt, envUrl, envUrlList } from '../config/env-types.ts';

/**
 * The database options every app that talks to Postgres shares. Defaults point at the local stack
 * of `make up` (scripts/stack/env.sh), so a developer needs no environment at all.
 */
export const databaseConfigShape = {
  DATABASE_URL: envUrl('postgres://avelon:avelon@127.0.0.1:15403/avelon').describe(
    'Writes and transactions: the primary, through PgBouncer in transaction mode.',
  ),
  DATABASE_REPLICA_URLS: envUrlList('postgres://avelon:avelon@127.0.0.1:15402/avelon').describe(
    'Reads: comma-separated streaming replicas; empty sends every read to the primary.',
  ),
  DATABASE_MIGRATION_URL: envUrl('postgres://avelon:avelon@127.0.0.1:15401/avelon').describe(
    'Migrations: the primary directly (DDL and advisory locks do not belong behind a transaction pooler).',
  ),
  DATABASE_POOL_SIZE: envInt(20, 1, 1000).describe('Connections to PgBouncer per process.'),
  DATABASE_REPLICA_POOL_SIZE: envInt(20, 1, 1000).describe('Connections per replica per process.'),
  DATABASE_REPLICA_PREPARED: envBool(true).describe(
    'Reads on the replicas as named prepared statements, planned once per connection (never on the primary, behind PgBouncer); false if a transaction-mode pooler is put in front of the replicas.',
  ),
  DATABASE_POOL_MAX_WAITING: envInt(100, 0, 100_000).describe(
    'Requests that may wait for a connection of a full pool; beyond, they are refused at once (503, Retry-After).',
  ),
  DATABASE_QUERY_TIMEOUT_MS: envInt(5000, 100).describe(
    'A query that takes longer fails instead of holding a connection.',
  ),
  DATABASE_CONNECT_TIMEOUT_MS: envInt(2000, 100).describe(
    'How long to wait for a connection (a new one, or a free one of a full pool) before erroring.',
  ),
  DATABASE_REPLICA_MAX_LAG_MS: envInt(2000, 100).describe(
    'A replica further behind than this leaves rotation until it catches up.',
  ),
  DATABASE_REPLICA_CHECK_INTERVAL_MS: envInt(250, 50).describe(
    'How often replica health and replay position are polled.',
  ),
} satisfies Record<string, z.ZodType>;

export type DatabaseConfig = z.output<z.ZodObject<typeof databaseConfigShape>>;
