// The queue Redis (BullMQ jobs and the idempotency ledger; append-only file) restarted. Checkouts must
// not fail (their mail waits in the outbox), and every mail must still go out exactly once.
import type { Experiment } from '../experiment.ts';

export const redisQueueRestart: Experiment = {
  name: 'redis-queue-restart',
  title: 'Queue Redis restarted',
  fault: 'scripts/stack/ctl.sh redis-queue stop (SIGTERM: the AOF is flushed); down for the fault length; start',
  ownWrites: 'none',
  defaultFaultMs: 3000,
  async inject(ctx) {
    ctx.mark('queue Redis: stop');
    await ctx.platform.ctl('redis-queue', 'stop');
    await ctx.sleep(ctx.faultMs);
    ctx.mark('queue Redis: start');
    await ctx.platform.ctl('redis-queue', 'start');
  },
  async restore(platform) {
    await platform.ctl('redis-queue', 'start');
  },
};
