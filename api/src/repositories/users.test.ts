import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSql, sqlOnlyDb as db, type SqlCase } from './sql-only-db.ts';
import { findOrCreateQuery, getMeQuery, type MeRow, toMe } from './users.ts';

const row: MeRow = {
  id: 9,
  email: 'a@example.com',
  name: null,
  role: 'customer',
  isEmailVerified: true,
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  updatedAt: new Date('2026-01-05T00:00:00.000Z'),
  addresses: [],
};

describe('toMe', () => {
  const address = { id: 1, line1: 'l1', line2: null, city: 'c', postalCode: 'p', country: 'FR', isDefault: true };
  const cases: Array<{ name: string; row: MeRow; expected: ReturnType<typeof toMe> }> = [
    // Timestamps become ISO strings; the rest passes through.
    {
      name: 'customer without addresses',
      row,
      expected: { ...row, createdAt: '2026-01-02T03:04:05.678Z', updatedAt: '2026-01-05T00:00:00.000Z' },
    },
    // The addresses' JSON array is returned as is.
    {
      name: 'admin with an address',
      row: { ...row, role: 'admin', name: 'Ann', addresses: [address] },
      expected: {
        ...row,
        role: 'admin',
        name: 'Ann',
        addresses: [address],
        createdAt: '2026-01-02T03:04:05.678Z',
        updatedAt: '2026-01-05T00:00:00.000Z',
      },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(toMe(c.row), c.expected));
});

describe('user SQL', () => {
  const cases: SqlCase[] = [
    // The addresses subquery is correlated by table name, so its columns cannot bind to users.
    {
      name: 'me: one query with addresses',
      query: () => getMeQuery(db, 1),
      has: ['from "addresses" where "addresses"."user_id" = "users"."id") from "users" where "users"."id" = $1'],
      params: [1],
    },
    // Find or create in one statement: the lookup is case-insensitive (the unique index is on lower(email)),
    // the insert happens only without a match, and the UNION is a subquery so both halves see the CTEs.
    {
      name: 'find or create: one statement',
      query: () => findOrCreateQuery(db, 'A@b.example'),
      has: [
        'with "existing" as (select "id", "email", "name", "role", "is_banned" from "users" where lower("users"."email") = lower($1))',
        'WHERE NOT EXISTS (SELECT 1 FROM existing)',
        'ON CONFLICT DO NOTHING',
        'from ((select "id", "email", "name", "role", "is_banned", false as "created" from "existing") union all (select "id", "email", "name", "role", "is_banned", true as "created" from "created")) "u"',
      ],
      params: ['A@b.example', 'A@b.example'],
    },
  ];
  for (const c of cases) it(c.name, () => checkSql(c));
});
