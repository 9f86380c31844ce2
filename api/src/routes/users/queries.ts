import type { Db } from '@avelon/core';
import { sql } from 'drizzle-orm';
import { toIso } from '../products/queries.ts';
import type { Me } from './schemas.ts';

type Row = Record<string, unknown>;

export interface UserRow {
  id: number;
  email: string;
  name: string | null;
  role: 'customer' | 'admin';
  isBanned: boolean;
  created: boolean;
}

/**
 * The account of an email address, created (as a verified customer) when there is none: signing in
 * with a code proves the address, so sign-in and sign-up are one step. One statement; a concurrent
 * creation of the same address loses the race on the unique index and is read back on retry.
 */
export async function findOrCreateUser(db: Db, email: string): Promise<UserRow> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await db.execute<Row>(sql`
      WITH existing AS (
        SELECT id, email, name, role, is_banned FROM users WHERE lower(email) = lower(${email})
      ), created AS (
        INSERT INTO users (email, is_email_verified)
        SELECT ${email}, true WHERE NOT EXISTS (SELECT 1 FROM existing)
        ON CONFLICT DO NOTHING
        RETURNING id, email, name, role, is_banned
      )
      SELECT *, false AS created FROM existing UNION ALL SELECT *, true AS created FROM created`);
    const row = result.rows[0];
    if (row) {
      return {
        id: Number(row.id),
        email: String(row.email),
        name: (row.name as string | null) ?? null,
        role: row.role === 'admin' ? 'admin' : 'customer',
        isBanned: Boolean(row.is_banned),
        created: Boolean(row.created),
      };
    }
  }
  throw new Error(`could not find or create the user ${email}`);
}

const meColumns = sql`u.id, u.email, u.name, u.role, u.is_email_verified, u.created_at, u.updated_at,
  (SELECT coalesce(json_agg(json_build_object('id', a.id, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
     'postalCode', a.postal_code, 'country', a.country, 'isDefault', a.is_default) ORDER BY a.id), '[]')
     FROM addresses a WHERE a.user_id = u.id) AS addresses`;

function toMe(row: Row): Me {
  return {
    id: Number(row.id),
    email: String(row.email),
    name: (row.name as string | null) ?? null,
    role: row.role === 'admin' ? 'admin' : 'customer',
    isEmailVerified: Boolean(row.is_email_verified),
    addresses: row.addresses as Me['addresses'],
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** The user with addresses (one query). */
export async function getMe(db: Db, id: number): Promise<Me | undefined> {
  const result = await db.execute<Row>(sql`SELECT ${meColumns} FROM users u WHERE u.id = ${id}`);
  return result.rows[0] && toMe(result.rows[0]);
}

/** Updates the editable fields and returns the user (one statement). */
export async function updateMe(db: Db, id: number, name: string | null): Promise<Me | undefined> {
  const result = await db.execute<Row>(sql`
    WITH u AS (UPDATE users SET name = ${name}, updated_at = now() WHERE id = ${id} RETURNING *)
    SELECT ${meColumns} FROM u`);
  return result.rows[0] && toMe(result.rows[0]);
}
