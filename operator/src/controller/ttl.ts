import { cacheTtlHashKey, isCacheClass, parseCacheTtls, writeCacheTtl } from '@avelon/core';
import type { Redis } from 'ioredis';

/**
 * The operator's half of the cache TTL contract of core/src/cache/ttl-contract.ts: a Redis hash of
 * class -> seconds plus a change message, which every API instance applies within a second.
 */
export async function readTtls(redis: Redis): Promise<Record<string, number>> {
  return parseCacheTtls(await redis.hgetall(cacheTtlHashKey));
}

export async function writeTtl(redis: Redis, cls: string, seconds: number): Promise<void> {
  if (!isCacheClass(cls)) throw new Error(`unknown cache class "${cls}" (core/src/cache/ttl-contract.ts lists them)`);
  await writeCacheTtl(redis, cls, seconds);
}
