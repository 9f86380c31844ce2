// The API's connections to both Redis servers through toxiproxy: added latency, then every cache
// connection reset, then every queue connection reset.
import type { Experiment } from '../experiment.ts';

export const redisToxics: Experiment = {
  name: 'redis-toxics',
  title: 'Latency and connection resets between the API and Redis (toxiproxy)',
  fault:
    '+100 ms ±30 latency on the API→cache Redis and API→queue Redis links for the fault length; then reset_peer on ' +
    'every cache connection for 1 s; then on every queue connection for 1 s',
  ownWrites: 'none',
  proxied: true,
  defaultFaultMs: 10_000,
  async inject(ctx) {
    const proxy = ctx.platform.toxiproxy;
    if (!proxy) throw new Error('redis-toxics needs the fault proxy');
    const latency = { name: 'latency', type: 'latency', attributes: { latency: 100, jitter: 30 } } as const;
    ctx.mark('latency on');
    await proxy.add('redis-cache', latency);
    await proxy.add('redis-queue', latency);
    await ctx.sleep(ctx.faultMs);
    await proxy.remove('redis-cache', 'latency');
    await proxy.remove('redis-queue', 'latency');
    ctx.mark('latency off');
    await ctx.sleep(3000);
    const reset = { name: 'reset', type: 'reset_peer', attributes: { timeout: 0 } } as const;
    ctx.mark('cache connections reset');
    await proxy.add('redis-cache', reset);
    await ctx.sleep(1000);
    await proxy.remove('redis-cache', 'reset');
    await ctx.sleep(3000);
    ctx.mark('queue connections reset');
    await proxy.add('redis-queue', reset);
    await ctx.sleep(1000);
    await proxy.remove('redis-queue', 'reset');
    ctx.mark('resets off');
  },
  async restore(platform) {
    await platform.toxiproxy?.reset();
  },
};
