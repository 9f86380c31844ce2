/**
 * How long the relay waits before it tries an outbox row again after `attempts` failed tries: doubling
 * from `firstMs`, capped at `maxMs`, with ±20 % jitter so the rows of one outage (and the replicas that
 * claimed them) do not all come back in the same instant.
 */
export function retryDelayMs(attempts: number, firstMs: number, maxMs: number, random: () => number = Math.random) {
  const doubled = firstMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
  const jitter = 0.8 + 0.4 * random();
  return Math.round(Math.min(doubled, maxMs) * jitter);
}
