import { DatabaseRouter, RedisWritePositionStore, type WritePositionStore } from '@avelon/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The primary and the replicas: reads go where their consistency allows. */
    db: DatabaseRouter;
    /** Each user's last write position, shared by the instances (a read-your-writes read waits for it). */
    writePositions: WritePositionStore;
  }
}

/** Postgres: the pools of the primary and replicas, and replica health checks (their first run awaited). */
export const databasePlugin = fp(
  async (app: FastifyInstance) => {
    const { config, registry } = app;
    const writePositions = new RedisWritePositionStore(
      app.cacheRedis,
      Math.max(60_000, 4 * config.DATABASE_REPLICA_MAX_LAG_MS),
    );
    const db = new DatabaseRouter({ config, registry, applicationName: 'avelon-api', writePositions });
    app.decorate('db', db);
    app.decorate('writePositions', writePositions);
    app.addHook('onClose', () => db.close());
    await db.start();
  },
  { name: 'avelon-database', dependencies: ['avelon-config', 'avelon-cache-redis'] },
);
