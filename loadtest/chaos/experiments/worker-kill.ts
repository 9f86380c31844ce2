// The worker SIGKILLed twice: once in steady state (a backlog builds while no worker runs), then its
// replacement in the middle of the burst that drains that backlog, with jobs in flight. Every mail must
// still go out, none twice outside the ledger's documented window (docs/workers.md).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Experiment } from '../experiment.ts';

export const workerKill: Experiment = {
  name: 'worker-kill',
  title: 'Worker SIGKILLed, then its replacement SIGKILLed mid-burst',
  fault:
    'SIGKILL the worker; no worker for the fault length (a backlog builds); start a replacement; SIGKILL it once ' +
    'the backlog burst is being sent; start another',
  ownWrites: 'none',
  defaultFaultMs: 8000,
  async inject(ctx) {
    const { platform } = ctx;
    await platform.killWorker();
    ctx.mark('worker SIGKILLed');
    await ctx.sleep(ctx.faultMs);
    const before = platform.sink.store.accepted;
    await platform.startWorker();
    ctx.mark('replacement started');
    // Mid-burst: a few mails of the backlog are out, the rest are in flight or waiting.
    for (let i = 0; i < 100 && platform.sink.store.accepted < before + 3; i++) await sleep(50);
    await platform.killWorker();
    ctx.mark(`replacement SIGKILLed after ${platform.sink.store.accepted - before} mails of the burst`);
    await platform.startWorker();
    ctx.mark('second replacement started');
  },
  async restore(platform) {
    if (!platform.workerAlive) await platform.startWorker();
  },
};
