// The Postgres primary stopped at once (pg_ctl -m immediate: a crash, in-flight transactions are
// rolled back by recovery) and started again. Writes must fail cleanly with a retryable 503 and a code,
// and leave no partial order; reads go on from the replica.
import type { Experiment } from '../experiment.ts';

export const primaryRestart: Experiment = {
  name: 'primary-restart',
  title: 'Primary restarted (crash stop)',
  fault: 'scripts/stack/ctl.sh primary stop (pg_ctl -m immediate); down for the fault length; start',
  ownWrites: 'primary',
  defaultFaultMs: 3000,
  async inject(ctx) {
    ctx.mark('primary: stop');
    await ctx.platform.ctl('primary', 'stop');
    await ctx.sleep(ctx.faultMs);
    ctx.mark('primary: start');
    await ctx.platform.ctl('primary', 'start');
  },
  async restore(platform) {
    await platform.ctl('primary', 'start');
  },
};
