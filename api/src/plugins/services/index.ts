import type { FastifyInstance } from 'fastify';
import type { ApiConfig } from '../../config.ts';
import { authServicesPlugin } from './auth-services.ts';
import { cachePlugin } from './cache.ts';
import { cacheRedisPlugin } from './cache-redis.ts';
import { configPlugin } from './config.ts';
import { databasePlugin } from './database.ts';
import { jobsPlugin } from './jobs.ts';
import { sessionStorePlugin } from './session-store.ts';

/**
 * Registers the service plugins, each after the ones it declares it depends on. Fastify runs onClose
 * hooks newest first, so each closes before what it uses: the jobs producer, then the session store,
 * the cache, the database, and the cache Redis last.
 */
export async function registerServices(app: FastifyInstance, config: ApiConfig): Promise<void> {
  await app.register(configPlugin, { config });
  await app.register(cacheRedisPlugin);
  await app.register(databasePlugin);
  await app.register(cachePlugin);
  await app.register(sessionStorePlugin);
  await app.register(authServicesPlugin);
  await app.register(jobsPlugin);
}
