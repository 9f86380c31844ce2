// Open-model arrivals for scenarios vegeta cannot script (a session whose steps depend on earlier
// answers, like the shop's sign-in → cart → checkout): session i starts at start + i / rate whatever the
// earlier sessions are doing, so a slow server shows as latency and a pile of concurrent sessions, never
// as fewer arrivals (a closed loop would wait and hide it). The generator's CPU is this process's.
import { setTimeout as sleep } from 'node:timers/promises';

export interface ArrivalStats {
  /** Sessions started, and started a second. */
  started: number;
  rate: number;
  /** Most sessions in flight at once. */
  maxInFlight: number;
  /** Worst lateness of a start against its schedule (ms): the generator falling behind. */
  maxLagMs: number;
  /** CPU of this process (user + system) ÷ wall time over the run, in cores. */
  generatorCpu: number;
}

/** Starts `session(i)` at `rate` a second for `durationSeconds`, then waits for every session to end. */
export async function arrivals(
  rate: number,
  durationSeconds: number,
  session: (i: number) => Promise<void>,
): Promise<ArrivalStats> {
  if (!(rate > 0) || !(durationSeconds > 0)) throw new Error('arrivals: rate and duration must be positive');
  const total = Math.floor(rate * durationSeconds);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const running = new Set<Promise<void>>();
  let maxInFlight = 0;
  let maxLagMs = 0;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    // A session records its own failures; one that throws anyway must not stop the arrivals.
    const p: Promise<void> = session(i)
      .catch(() => {})
      .finally(() => running.delete(p));
    running.add(p);
    maxInFlight = Math.max(maxInFlight, running.size);
  }
  const sentFor = (performance.now() - t0) / 1000;
  await Promise.all(running);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    started: total,
    // The last start is due 1/rate before the end of the slot it opens.
    rate: total / (sentFor + 1 / rate),
    maxInFlight,
    maxLagMs,
    generatorCpu: (cpu.user + cpu.system) / 1e6 / wall,
  };
}
