import type { FastifyInstance } from 'fastify';
import type { DashboardConfig } from '../config.ts';
import type { Live } from '../live.ts';
import { loginConfigured } from './auth.ts';

/**
 * Probes, unauthenticated and data-free. Ready means configured (a login and a source), not that the
 * sources answer: a dead API must not take the page that shows it is dead out of rotation.
 */
export async function healthRoutes(app: FastifyInstance, o: { config: DashboardConfig; live: Live }) {
  const c = o.config;
  app.get('/health/live', async () => ({ ok: true }));
  app.get('/health/ready', async (_request, reply) => {
    const problems: string[] = [];
    if (!loginConfigured(c)) problems.push('no admin password configured (ADMIN_PASSWORD_HASH)');
    if (c.METRICS_SOURCE === 'prometheus' && !c.PROMETHEUS_URL)
      problems.push('METRICS_SOURCE=prometheus without PROMETHEUS_URL');
    if (
      c.METRICS_SOURCE === 'scrape' &&
      !c.KUBERNETES_DISCOVERY &&
      !c.METRICS_API_URLS.length &&
      !c.METRICS_WORKER_URLS.length
    )
      problems.push('no scrape targets configured');
    return reply.code(problems.length ? 503 : 200).send({
      ok: problems.length === 0,
      mode: c.METRICS_SOURCE,
      discovery: c.KUBERNETES_DISCOVERY ? 'kubernetes' : 'static',
      decisions: c.OPERATOR_URL ? 'operator' : 'none',
      problems,
    });
  });
}
