// Proves, against the real queue Redis, that the bullmq source counts what KEDA's list scaler misses:
// prioritized jobs (a sorted set of their own) are backlog; a queue that does not exist, or a Redis
// that does not answer, is reported missing instead of reading as an empty queue; rates are measured.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { queueProducerConnection } from '@avelon/core';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { parsePolicySpec } from '../../operator/src/crd/index.ts';
import { BullmqSource } from '../../operator/src/sources/index.ts';
import { eventually, stack } from '../support/stack.ts';

const prefix = `opsrc${Date.now().toString(36)}`;
const spec = parsePolicySpec({});
let redis: Redis;
let queue: Queue;

before(async () => {
  redis = queueProducerConnection(stack.REDIS_QUEUE_URL, 'operator-test');
  queue = new Queue('emails', { connection: { url: stack.REDIS_QUEUE_URL }, prefix });
  await queue.waitUntilReady();
});

after(async () => {
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  redis.disconnect();
});

test('prioritized jobs are backlog too (KEDA reads only the wait list)', async () => {
  await queue.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'welcome', data: { i } })));
  await queue.addBulk(
    Array.from({ length: 7 }, (_, i) => ({ name: 'welcome', data: { i }, opts: { priority: 1 + i } })),
  );
  const source = new BullmqSource(redis, prefix);
  const r = await source.read({ spec, app: false, queues: ['emails'] }, Date.now());
  assert.deepEqual(r.missing, []);
  assert.equal(r.queues?.emails?.backlog, 12);
  // What a list-length scaler on the wait list would see:
  assert.equal(await redis.llen(`${prefix}:emails:wait`), 5);
  assert.ok((r.queues?.emails?.oldestWaitSeconds ?? -1) >= 0);
  await source.close();
});

test('completions and arrivals are measured between reads', async () => {
  const source = new BullmqSource(redis, prefix);
  await source.read({ spec, app: false, queues: ['emails'] }, Date.now());
  const t0 = Date.now();
  const conn = new Redis(stack.REDIS_QUEUE_URL, { maxRetriesPerRequest: null });
  const worker = new Worker('emails', async () => {}, { connection: conn, prefix, concurrency: 4 });
  await eventually(
    'drained',
    async () => (await queue.getJobCounts('waiting', 'prioritized', 'active')).waiting === 0,
    10_000,
  );
  await queue.addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'later', data: { i }, opts: { delay: 60_000 } })));
  const r = await source.read({ spec, app: false, queues: ['emails'] }, Date.now());
  const q = r.queues?.emails;
  const dt = (Date.now() - t0) / 1000;
  assert.ok(q?.completedPerSecond !== undefined && Math.abs(q.completedPerSecond * dt - 12) < 1.5, JSON.stringify(q));
  assert.ok((q?.arrivalPerSecond ?? 0) > 0, 'the 3 delayed jobs arrived');
  assert.equal(q?.workers, 1);
  await worker.close();
  conn.disconnect();
  await source.close();
});

test('a queue that does not exist is missing, not empty', async () => {
  const source = new BullmqSource(redis, prefix);
  const r = await source.read({ spec, app: false, queues: ['emials'] }, Date.now());
  assert.equal(r.queues?.emials, undefined);
  assert.match(r.missing.join(), /emials: no keys under .*wrong queue name or QUEUE_PREFIX/);
  await source.close();
});

test('an unreachable Redis is missing, and read() does not throw', async () => {
  const dead = queueProducerConnection('redis://127.0.0.1:1', 'operator-test-dead');
  dead.on('error', () => {});
  const r = await new BullmqSource(dead, prefix, 500).read({ spec, app: false, queues: ['emails'] }, Date.now());
  assert.equal(r.queues?.emails, undefined);
  assert.equal(r.missing.length, 1);
  dead.disconnect();
});
