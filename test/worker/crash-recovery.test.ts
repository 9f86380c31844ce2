// Proves: a worker process killed with SIGKILL in the middle of a 1,000-job burst loses nothing — after
// a restart every job completes — and sends no mail twice, except (by design, docs/workers.md) a job
// whose dead attempt may have been between the SMTP server's acceptance and the ledger write: only jobs
// the ledger shows as taken over from a dead attempt may show up twice, and there are at most as many
// of those as the jobs that were in flight.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MailSink } from '../../scripts/mail-sink/sink.ts';
import {
  deliveryReport,
  enqueueOrders,
  queueHandles,
  spawnWorker,
  startSink,
  testPrefix,
  waitForCount,
  workerEnv,
} from '../support/worker.ts';

const JOBS = 1000;
const CONCURRENCY = 20;
const prefix = testPrefix('crash');
let sink: MailSink;
let handles: ReturnType<typeof queueHandles>;
const workers: Array<{ child: { kill(s: NodeJS.Signals): boolean } }> = [];

before(async () => {
  sink = await startSink();
  handles = queueHandles(prefix);
});
after(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await handles?.close();
  await sink?.close();
});

test('SIGKILL mid-burst, restart: every job completes, no mail twice outside the documented window', async (t) => {
  const messageIds = await enqueueOrders(handles.producer, JOBS);
  // Short locks and leases, so recovery from the kill takes seconds, not the production 30 s.
  const env = workerEnv(prefix, sink, {
    WORKER_CONCURRENCY_EMAILS: String(CONCURRENCY),
    WORKER_LOCK_DURATION_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    LEDGER_LEASE_MS: '1500',
    WORKER_KEEP_COMPLETED_COUNT: String(JOBS * 2),
  });

  const first = await spawnWorker(env);
  workers.push(first);
  await waitForCount('mails before the kill', async () => sink.store.size, JOBS / 4);
  first.child.kill('SIGKILL');
  assert.equal((await first.exited).signal, 'SIGKILL');
  const atKill = await handles.queues.emails.getJobCounts('completed', 'active');
  t.diagnostic(`at the kill: ${atKill.completed} completed, ${atKill.active} active, ${sink.store.size} mails`);
  assert.ok((atKill.completed ?? 0) < JOBS, 'the kill came before the burst was done');
  assert.ok((atKill.active ?? 0) > 0, 'jobs were in flight when the process died');

  const second = await spawnWorker(env);
  workers.push(second);
  await waitForCount(
    'completed jobs',
    async () => (await handles.queues.emails.getJobCounts('completed')).completed ?? 0,
    JOBS,
    60_000,
  );

  const counts = await handles.queues.emails.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed');
  assert.deepEqual(counts, { completed: JOBS, failed: 0, active: 0, waiting: 0, delayed: 0 });
  const report = await deliveryReport(sink, handles.admin, prefix, messageIds);
  t.diagnostic(
    `taken over from the dead process: ${report.takenOver.size}; delivered twice: ${report.duplicates.length}; mails: ${sink.store.size}`,
  );
  assert.deepEqual(report.missing, [], 'every job sent its mail');
  assert.ok(report.takenOver.size > 0, 'claims of the dead process were recovered through the ledger');
  assert.ok(
    report.takenOver.size <= CONCURRENCY,
    `at most the in-flight jobs were taken over (${report.takenOver.size})`,
  );
  const outsideWindow = report.duplicates.filter((id) => !report.takenOver.has(id));
  assert.deepEqual(outsideWindow, [], 'no mail twice unless its attempt died inside the SMTP-to-ledger window');
  assert.equal(sink.store.size, JOBS + report.duplicates.length);

  second.child.kill('SIGTERM');
  assert.equal((await second.exited).code, 0);
});
