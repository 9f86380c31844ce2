// Proves: /readyz answers 200 only while the worker can reach its queue Redis (503 while it is down,
// 200 again after it is back), and jobs enqueued before the outage are still processed afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MailSink } from '../../scripts/mail-sink/sink.ts';
import { eventually, stackCtl } from '../support/stack.ts';
import {
  queueHandles,
  type RunningWorker,
  startSink,
  startWorker,
  testPrefix,
  waitForCount,
  workerConfig,
} from '../support/worker.ts';

const prefix = testPrefix('health');
let sink: MailSink;
let app: RunningWorker;
let handles: ReturnType<typeof queueHandles>;

before(async () => {
  sink = await startSink();
  handles = queueHandles(prefix);
  app = await startWorker(workerConfig(prefix, sink));
});
after(async () => {
  await stackCtl('redis-queue', 'start');
  await app?.stop();
  await handles?.close();
  await sink?.close();
});

const health = () => fetch(`http://127.0.0.1:${app.port}/readyz`);

test('503 while the queue Redis is down, 200 when it is back, and work resumes', async () => {
  assert.equal((await health()).status, 200);
  await stackCtl('redis-queue', 'stop');
  await eventually('health 503', async () => (await health()).status === 503, 10_000);
  const body = (await (await health()).json()) as { checks: Record<string, string> };
  assert.match(body.checks['redis-queue'] ?? '', /unreachable|timeout/);
  // Alive all along: a Redis outage is a reason to take no jobs, not to restart the process.
  assert.equal((await fetch(`http://127.0.0.1:${app.port}/livez`)).status, 200);

  await stackCtl('redis-queue', 'start');
  await eventually('health 200', async () => (await health()).status === 200, 20_000);
  await handles.producer.enqueue('welcome', { userId: 1, email: 'back@example.test', name: null });
  await waitForCount('mail after the outage', async () => sink.store.size, 1, 20_000);
});
