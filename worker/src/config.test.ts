import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@avelon/core';
import { loadWorkerConfig, workerConfigShape } from './config.ts';

test('an empty environment gives the documented defaults (the make up stack)', () => {
  const c = loadWorkerConfig({});
  assert.equal(c.OPS_PORT, 15411);
  assert.equal(c.OPS_HOST, '127.0.0.1', 'operations only: loopback outside a container');
  assert.deepEqual(c.WORKER_QUEUES, ['emails', 'notifications']);
  assert.equal(c.SMTP_PORT, 15406);
  assert.equal(c.QUEUE_PREFIX, 'avelon');
});

test('every bad key is reported at once', () => {
  assert.throws(
    () => loadWorkerConfig({ WORKER_QUEUES: 'emails,nope', SMTP_PORT: 'x', WORKER_CONCURRENCY_EMAILS: '0' }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.problems.length, 3, e.message);
      return true;
    },
  );
});

test('every option has a description and a default', () => {
  for (const [name, schema] of Object.entries(workerConfigShape)) {
    assert.ok(schema.description, `${name} has no .describe()`);
    assert.ok(schema.safeParse(undefined).success, `${name} has no default`);
  }
});
