import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { InvalidJobPayloadError, JobProducer, QueueUnavailableError } from './producer.ts';

const config = { QUEUE_PREFIX: 't', QUEUE_JOB_ATTEMPTS: 5, QUEUE_BACKOFF_MS: 1000, QUEUE_ENQUEUE_TIMEOUT_MS: 100 };
// Never connected: these tests must not need Redis.
const offline = () => new Redis({ lazyConnect: true, enableOfflineQueue: false, port: 1 });

test('a bad payload is refused before Redis is touched, with the schema issues as cause', async () => {
  const producer = new JobProducer({ connection: offline(), config });
  await assert.rejects(
    producer.enqueue('order-confirmation', { orderId: -1, orderNumber: 100001, userId: 1, email: 'nope' }),
    (e: unknown) => {
      assert.ok(e instanceof InvalidJobPayloadError);
      assert.equal(e.kind, 'order-confirmation');
      assert.match(String((e.cause as Error).message), /orderId|email/);
      return true;
    },
  );
});

test('jobs carry the derived id and the retry policy', () => {
  const producer = new JobProducer({ connection: offline(), config });
  assert.deepEqual(producer.jobOptions('welcome__user-1'), {
    jobId: 'welcome__user-1',
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
  });
});

test('an unreachable queue store fails within the enqueue timeout', async () => {
  const connection = new Redis({ port: 1, enableOfflineQueue: false, retryStrategy: () => 50 });
  connection.on('error', () => {});
  const producer = new JobProducer({ connection, config });
  await assert.rejects(
    producer.enqueue('welcome', { userId: 1, email: 'a@b.test', name: null }),
    QueueUnavailableError,
  );
  await producer.close();
  connection.disconnect();
});
