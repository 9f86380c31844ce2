import type { z } from 'zod';
import { envInt, envUrl } from '../config/env-types.ts';

/**
 * Two Redis servers, never one: the cache may evict anything, the queue store must not lose a job.
 * Defaults point at the local stack of `make up`.
 */
export const redisConfigShape = {
  REDIS_CACHE_URL: envUrl('redis://127.0.0.1:15404').describe('Cache, sessions, rate limits (evicting: allkeys-lru).'),
  REDIS_QUEUE_URL: envUrl('redis://127.0.0.1:15405').describe('BullMQ queues (noeviction, persistent).'),
  REDIS_COMMAND_TIMEOUT_MS: envInt(250, 10).describe(
    'A cache command slower than this fails, so a sick Redis slows no request by more.',
  ),
} satisfies Record<string, z.ZodType>;
