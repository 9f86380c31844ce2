// The cache Redis (cache, sessions, rate limits) stopped for 15 s, then started empty (it keeps
// nothing on disk). Reads should go on from the in-process cache and the database; signed-in shoppers
// from the sessions the API instances remember.
import type { Experiment } from '../experiment.ts';

export const redisCacheKill: Experiment = {
  name: 'redis-cache-kill',
  title: 'Cache Redis killed',
  fault: 'scripts/stack/ctl.sh redis-cache stop; wait; start (empty: the cache Redis keeps nothing on disk)',
  ownWrites: 'none',
  defaultFaultMs: 15_000,
  async inject(ctx) {
    ctx.mark('cache Redis: stop');
    await ctx.platform.ctl('redis-cache', 'stop');
    await ctx.sleep(ctx.faultMs);
    ctx.mark('cache Redis: start');
    await ctx.platform.ctl('redis-cache', 'start');
  },
  async restore(platform) {
    await platform.ctl('redis-cache', 'start');
  },
};
