// The read replica in three faults one after the other: stopped, then replay paused (it falls behind
// while checkouts write), then restarted. Reads must move to the primary and back without an error.
import type { Experiment } from '../experiment.ts';

export const replicaOutage: Experiment = {
  name: 'replica-outage',
  title: 'Replica stopped, replay paused (lag), replica restarted',
  fault:
    'ctl.sh replica stop for the fault length, start; pg_wal_replay_pause() for the fault length (lag grows), ' +
    'pg_wal_replay_resume(); ctl.sh replica stop + start (a restart)',
  ownWrites: 'none',
  defaultFaultMs: 8000,
  async inject(ctx) {
    const { platform } = ctx;
    ctx.mark('replica: stop');
    await platform.ctl('replica', 'stop');
    await ctx.sleep(ctx.faultMs);
    ctx.mark('replica: start');
    await platform.ctl('replica', 'start');
    await ctx.sleep(3000);
    ctx.mark('replica: pause replay');
    await platform.replicaSql('SELECT pg_wal_replay_pause()');
    await ctx.sleep(ctx.faultMs);
    ctx.mark('replica: resume replay');
    await platform.replicaSql('SELECT pg_wal_replay_resume()');
    await ctx.sleep(3000);
    ctx.mark('replica: restart');
    await platform.ctl('replica', 'stop');
    await platform.ctl('replica', 'start');
  },
  async restore(platform) {
    await platform.ctl('replica', 'start');
    await platform.replicaSql('SELECT pg_wal_replay_resume()').catch(() => {});
  },
};
