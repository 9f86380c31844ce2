import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type ApiJobs, createJobProducer } from '../../queue/producer.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Enqueues the worker's jobs (mails) on the queue Redis. */
    jobs: ApiJobs;
  }
}

/** The BullMQ producer of the worker's jobs. */
export const jobsPlugin = fp(
  async (app: FastifyInstance) => {
    const jobs = createJobProducer(app.config.REDIS_QUEUE_URL, app.config, app.registry);
    app.decorate('jobs', jobs);
    app.addHook('onClose', () => jobs.close());
  },
  { name: 'avelon-jobs', dependencies: ['avelon-config'] },
);
