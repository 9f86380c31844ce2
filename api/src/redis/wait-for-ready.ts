import type { cacheConnection } from '@avelon/core';

type Redis = ReturnType<typeof cacheConnection>;

/** Gives a starting Redis a moment to connect; the API starts without it if it does not. */
export async function waitForReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
  });
}
