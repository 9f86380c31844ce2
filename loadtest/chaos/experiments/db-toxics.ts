// The API's connections to Postgres through toxiproxy: added latency on both the replica and the
// PgBouncer links, then every replica connection reset, then every PgBouncer connection reset.
import type { Experiment } from '../experiment.ts';

export const dbToxics: Experiment = {
  name: 'db-toxics',
  title: 'Latency and connection resets between the API and Postgres (toxiproxy)',
  fault:
    '+150 ms ±50 latency on the API→replica and API→PgBouncer links for the fault length; then reset_peer on every ' +
    'API→replica connection for 1 s; then reset_peer on every API→PgBouncer connection for 1 s',
  ownWrites: 'primary',
  proxied: true,
  defaultFaultMs: 10_000,
  async inject(ctx) {
    const proxy = ctx.platform.toxiproxy;
    if (!proxy) throw new Error('db-toxics needs the fault proxy');
    const latency = { name: 'latency', type: 'latency', attributes: { latency: 150, jitter: 50 } } as const;
    ctx.mark('latency on');
    await proxy.add('replica', latency);
    await proxy.add('pgbouncer', latency);
    await ctx.sleep(ctx.faultMs);
    await proxy.remove('replica', 'latency');
    await proxy.remove('pgbouncer', 'latency');
    ctx.mark('latency off');
    await ctx.sleep(3000);
    const reset = { name: 'reset', type: 'reset_peer', attributes: { timeout: 0 } } as const;
    ctx.mark('replica connections reset');
    await proxy.add('replica', reset);
    await ctx.sleep(1000);
    await proxy.remove('replica', 'reset');
    await ctx.sleep(3000);
    ctx.mark('PgBouncer connections reset');
    await proxy.add('pgbouncer', reset);
    await ctx.sleep(1000);
    await proxy.remove('pgbouncer', 'reset');
    ctx.mark('resets off');
  },
  async restore(platform) {
    await platform.toxiproxy?.reset();
  },
};
