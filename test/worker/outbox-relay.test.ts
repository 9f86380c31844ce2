// Proves the worker's outbox relay against the real Postgres (through PgBouncer) and queue Redis:
// two relays draining the same rows at once never enqueue a row twice (SKIP LOCKED claims with a
// lease) and delete every row they enqueued; a row relayed a second time still makes one BullMQ job
// (its deterministic job id); a failed enqueue keeps the row with its error and backs it off; a row
// whose payload no longer fits its schema is parked, not retried.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { addToOutbox, createLogger, type JobKind, type JobPayload, QueueUnavailableError } from '@avelon/core';
import { Registry } from 'prom-client';
import { OutboxRelay, type RelayPass } from '../../worker/src/outbox/relay.ts';
import { closeDb, db } from '../support/api.ts';
import { testRouter } from '../support/router.ts';
import { queueHandles, testPrefix } from '../support/worker.ts';

const prefix = testPrefix('relay');
const { router } = testRouter({ DATABASE_REPLICA_URLS: '' });
let handles: ReturnType<typeof queueHandles>;
// Order ids no other row uses, so the job ids (unique in the outbox) are this run's own.
const base = 800_000_000 + randomInt(0, 100_000_000);
const mine: number[] = [];

before(() => {
  handles = queueHandles(prefix);
});
after(async () => {
  if (mine.length) await db().query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [mine]);
  await handles?.close();
  await router.close();
  await closeDb();
});

type Producer = { enqueue<K extends JobKind>(kind: K, payload: JobPayload<K>): Promise<unknown> };

function relay(producer: Producer, batchSize = 20): OutboxRelay {
  return new OutboxRelay({
    db: router.primary,
    producer,
    registry: new Registry(),
    logger: createLogger({ service: 'worker', level: 'silent' }),
    intervalMs: 1000,
    batchSize,
    leaseMs: 30_000,
    backoffMs: 1000,
    backoffMaxMs: 60_000,
  });
}

/** Writes confirmations for orders base+from .. base+from+count-1, due at once (no writer's grace). */
async function addRows(from: number, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = from; i < from + count; i++) {
    const orderId = base + i;
    const entry = await addToOutbox(router.primary, 'order-confirmation', {
      orderId,
      orderNumber: orderId + 1,
      userId: 1,
      email: `r${i}@example.test`,
    });
    assert.ok(entry);
    mine.push(entry.id);
    ids.push(entry.jobId);
  }
  await db().query('UPDATE outbox SET next_attempt_at = now() WHERE job_id = ANY($1::text[])', [ids]);
  return ids;
}

const left = async (jobIds: string[]) =>
  Number(
    (await db().query('SELECT count(*)::int AS n FROM outbox WHERE job_id = ANY($1::text[])', [jobIds])).rows[0]?.n,
  );

/** Passes until a pass claims nothing and none of `jobIds` is left. */
async function drain(r: OutboxRelay, jobIds: string[]): Promise<RelayPass[]> {
  const passes: RelayPass[] = [];
  for (let i = 0; i < 1000; i++) {
    const p = await r.pass();
    passes.push(p);
    if (p.claimed === 0) {
      if ((await left(jobIds)) === 0) return passes;
      await sleep(10); // the other relay holds the rest; wait for it rather than spin
    }
  }
  throw new Error('the outbox did not drain');
}

test('two relays at once: every row enqueued exactly once, and every row deleted', async () => {
  const jobIds = await addRows(0, 200);
  const calls = new Map<string, number>();
  // The real producer, slowed a little at random so the two relays' passes overlap.
  const counting: Producer = {
    async enqueue(kind, payload) {
      await sleep(randomInt(0, 5));
      const result = await handles.producer.enqueue(kind, payload);
      calls.set(result.jobId, (calls.get(result.jobId) ?? 0) + 1);
      return result;
    },
  };
  const [a, b] = await Promise.all([drain(relay(counting), jobIds), drain(relay(counting), jobIds)]);

  const twice = jobIds.filter((id) => (calls.get(id) ?? 0) > 1);
  assert.deepEqual(twice, [], 'no row was enqueued twice');
  assert.equal(jobIds.filter((id) => calls.get(id) === 1).length, jobIds.length, 'every row was enqueued');
  const claimedBy = (passes: RelayPass[]) => passes.reduce((n, p) => n + p.claimed, 0);
  assert.ok(claimedBy(a) > 0 && claimedBy(b) > 0, 'both relays took part');
  assert.equal(await left(jobIds), 0);
  for (const id of jobIds) assert.ok(await handles.queues.emails.getJob(id), `${id} is on the queue`);
});

test('a row relayed twice (a relay died after the enqueue, before the delete) still makes one job', async () => {
  const [id] = await addRows(1000, 1);
  assert.ok(id);
  await drain(relay(handles.producer), [id]);
  const first = await handles.queues.emails.getJob(id);
  assert.ok(first);
  await addRows(1000, 1); // the same job in the outbox again
  await drain(relay(handles.producer), [id]);
  const jobs = (await handles.queues.emails.getJobs(['waiting', 'delayed', 'prioritized'])).filter((j) => j.id === id);
  assert.equal(jobs.length, 1);
  assert.equal(jobs[0]?.timestamp, first.timestamp, 'the same job, not a new one');
});

test('a failed enqueue keeps the row with its error and backs off; an invalid payload is parked', async () => {
  const [retried] = await addRows(2000, 1);
  const bad = await db().query<{ id: string }>(
    `INSERT INTO outbox (kind, payload, job_id) VALUES ('order-shipped', $1::jsonb, $2) RETURNING id`,
    [JSON.stringify({ orderId: base + 2001, userId: 1, email: 'old@example.test' }), `old-producer-${base}`],
  );
  mine.push(Number(bad.rows[0]?.id));
  const down: Producer = {
    enqueue: (kind, payload) =>
      kind === 'order-shipped'
        ? handles.producer.enqueue(kind, payload) // validates, so the old payload is refused
        : Promise.reject(new QueueUnavailableError('queue store down')),
  };
  const pass = await relay(down, 1000).pass();
  assert.ok(pass.retried >= 1 && pass.parked >= 1, JSON.stringify(pass));

  const row = async (where: string, value: string) =>
    (
      await db().query<{ attempts: number; last_error: string; later: boolean; parked: boolean }>(
        `SELECT attempts, last_error, next_attempt_at > now() AS later, next_attempt_at = 'infinity' AS parked
         FROM outbox WHERE ${where} = $1`,
        [value],
      )
    ).rows[0];
  const kept = await row('job_id', retried ?? '');
  assert.equal(kept?.attempts, 1);
  assert.match(kept?.last_error ?? '', /queue store down/);
  assert.equal(kept?.later, true, 'backed off');
  assert.equal(kept?.parked, false);
  const parked = await row('id', String(bad.rows[0]?.id));
  assert.equal(parked?.parked, true);
  assert.match(parked?.last_error ?? '', /orderNumber/);
  // Neither is due now: another pass takes neither.
  const again = await relay(handles.producer, 1000).pass();
  assert.equal(
    (await db().query('SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1::bigint[]) AND attempts > 1', [mine]))
      .rows[0]?.n,
    0,
    JSON.stringify(again),
  );
});
