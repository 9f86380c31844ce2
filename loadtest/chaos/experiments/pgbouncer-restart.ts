// PgBouncer, the write path to the primary, restarted. Writes may fail while it is down, cleanly (503
// with a code, nothing half-written); reads go to the replica and must not notice.
import type { Experiment } from '../experiment.ts';

export const pgbouncerRestart: Experiment = {
  name: 'pgbouncer-restart',
  title: 'PgBouncer restarted',
  fault: 'scripts/stack/ctl.sh pgbouncer stop; down for the fault length; start',
  ownWrites: 'primary',
  defaultFaultMs: 2000,
  async inject(ctx) {
    ctx.mark('PgBouncer: stop');
    await ctx.platform.ctl('pgbouncer', 'stop');
    await ctx.sleep(ctx.faultMs);
    ctx.mark('PgBouncer: start');
    await ctx.platform.ctl('pgbouncer', 'start');
  },
  async restore(platform) {
    await platform.ctl('pgbouncer', 'start');
  },
};
