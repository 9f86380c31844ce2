import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Db, schema } from '@avelon/core';
import { drizzle } from 'drizzle-orm/node-postgres';
import { claimDueQuery } from './store.ts';

// A connection-less Drizzle instance: the statement is built, never run.
const db = drizzle.mock({ schema }) as unknown as Db;

describe('claimDue SQL', () => {
  const cases: Array<{ name: string; limit: number; leaseMs: number; has: string[] }> = [
    // Due rows in due order, skipping rows another relay holds: two relays never claim the same row.
    {
      name: 'locks due rows with SKIP LOCKED',
      limit: 50,
      leaseMs: 30_000,
      has: [
        'with "due" as (select "id" from "outbox" where "outbox"."next_attempt_at" <= now() order by "outbox"."next_attempt_at" limit $1 for update skip locked)',
      ],
    },
    // One statement counts the attempt and pushes the lease ahead, relative to the row's own count.
    {
      name: 'counts the attempt and leases the row',
      limit: 1,
      leaseMs: 5,
      has: [
        'update "outbox" set "attempts" = "outbox"."attempts" + 1, "next_attempt_at" = now() + $2 * interval \'1 millisecond\' from "due" where "outbox"."id" = "due"."id"',
        'returning "outbox"."id", "outbox"."kind", "outbox"."payload", "outbox"."job_id", "outbox"."attempts"',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { sql, params } = claimDueQuery(db, c.limit, c.leaseMs).toSQL();
      for (const part of c.has) assert.ok(sql.includes(part), `${part}\n  not in\n${sql}`);
      assert.deepEqual(params, [c.limit, c.leaseMs]);
    });
  }
});
