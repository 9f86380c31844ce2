import type { Redis } from 'ioredis';

/** Resolves once `redis` is connected and ready (at once when it already is). */
export function whenReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  if (redis.status === 'wait') redis.connect().catch(() => {});
  return new Promise((resolve) => {
    const check = () => {
      if (redis.status !== 'ready') return;
      redis.off('ready', check);
      resolve();
    };
    redis.on('ready', check);
  });
}

/** Rejects when `promise` has not settled within `ms`. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
