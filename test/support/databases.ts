// Throwaway databases on the test stack's primary, for tests that need an empty one.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { stack, superuserUrl } from './stack.ts';

export interface ScratchDatabase {
  name: string;
  /** The app role's URL, straight to the primary (as migrations and the demo loader use it). */
  url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: superuserUrl(stack.AVELON_PG_PRIMARY_PORT, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} OWNER avelon`);
  } finally {
    await admin.end();
  }
  const url = new URL(stack.DATABASE_MIGRATION_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: superuserUrl(stack.AVELON_PG_PRIMARY_PORT, 'postgres') });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
