import { schema } from '@avelon/core';
import { eq, sql } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import type { Me } from '../routes/users/schemas.ts';
import type { Runner } from './runner.ts';

const { addresses, users } = schema;

export interface SignInUser {
  id: number;
  email: string;
  name: string | null;
  role: 'customer' | 'admin';
  isBanned: boolean;
  /** True when this sign-in created the account. */
  created: boolean;
}

const signInColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  isBanned: users.isBanned,
};

/**
 * The statement of findOrCreateUser: the existing account, or the one it inserts (one statement). Both
 * halves of the UNION select signInColumns' fields in the same order (a UNION pairs columns by position).
 */
export function findOrCreateQuery(db: Runner, email: string) {
  const existing = db
    .$with('existing')
    .as(db.select(signInColumns).from(users).where(sql`lower(${users.email}) = lower(${email})`));
  // Raw: drizzle's INSERT ... SELECT lists every column (the identity one too), and the row is inserted
  // only WHERE NOT EXISTS an account; $with keeps the result typed.
  const created = db.$with('created', signInColumns).as(sql`
    INSERT INTO users (email, is_email_verified)
    SELECT ${email}, true WHERE NOT EXISTS (SELECT 1 FROM existing)
    ON CONFLICT DO NOTHING
    RETURNING id, email, name, role, is_banned`);
  // The UNION is a subquery: drizzle would put the WITH inside the first half's parentheses.
  const either = db
    .select({ ...existing._.selectedFields, created: sql<boolean>`false`.as('created') })
    .from(existing)
    .unionAll(db.select({ ...created._.selectedFields, created: sql<boolean>`true`.as('created') }).from(created))
    .as('u');
  return db.with(existing, created).select().from(either);
}

/**
 * The account of an email address, created (as a verified customer) when there is none: signing in
 * with a code proves the address, so sign-in and sign-up are one step. One statement; a concurrent
 * creation of the same address loses the race on the unique index and is read back on retry.
 */
export async function findOrCreateUser(db: Runner, email: string): Promise<SignInUser> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const [row] = await findOrCreateQuery(db, email);
    if (row) return row;
  }
  throw new Error(`could not find or create the user ${email}`);
}

type Address = Me['addresses'][number];

// A correlated subquery built with the builder: columns in a single-table select's raw `sql` fields
// lose their table name, which in a subquery would bind them to the wrong table.
const addressesJson = new QueryBuilder()
  .select({
    addresses: sql`coalesce(json_agg(json_build_object('id', ${addresses.id}, 'line1', ${addresses.line1},
      'line2', ${addresses.line2}, 'city', ${addresses.city}, 'postalCode', ${addresses.postalCode},
      'country', ${addresses.country}, 'isDefault', ${addresses.isDefault}) ORDER BY ${addresses.id}), '[]')`,
  })
  .from(addresses)
  .where(eq(addresses.userId, users.id));

const meColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  isEmailVerified: users.isEmailVerified,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
  addresses: sql<Address[]>`${addressesJson}`,
};
export function getMeQuery(db: Runner, id: number) {
  return db.select(meColumns).from(users).where(eq(users.id, id));
}
export type MeRow = Awaited<ReturnType<typeof getMeQuery>>[number];

export function toMe(row: MeRow): Me {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** The user with addresses (one query). */
export async function getMe(db: Runner, id: number): Promise<Me | undefined> {
  const [row] = await getMeQuery(db, id);
  return row && toMe(row);
}

/** Updates the editable fields and returns the user with addresses (one statement). */
export async function updateMe(db: Runner, id: number, name: string | null): Promise<Me | undefined> {
  const [row] = await db
    .update(users)
    .set({ name, updatedAt: sql`now()` })
    .where(eq(users.id, id))
    .returning(meColumns);
  return row && toMe(row);
}
