import { hostname } from 'node:os';
import { processRegistry } from '@avelon/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Registry } from 'prom-client';
import type { ApiConfig } from '../../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: ApiConfig;
    /** This process among the API's instances: the origin of its cache invalidations. */
    instanceId: string;
    /** The process's metrics, served by the ops server. */
    registry: Registry;
  }
}

/** The loaded configuration, the instance id and the metrics registry every other service plugin reads. */
export const configPlugin = fp(
  async (app: FastifyInstance, { config }: { config: ApiConfig }) => {
    const instanceId = config.INSTANCE_ID || `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
    app.decorate('config', config);
    app.decorate('instanceId', instanceId);
    app.decorate('registry', processRegistry());
  },
  { name: 'avelon-config' },
);
