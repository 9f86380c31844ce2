import type { OpsServerOptions } from '@avelon/core';
import type { DashboardConfig } from './config.ts';
import { loginConfigured } from './routes/auth.ts';

/**
 * What /readyz checks: configured (a login and a source), not that the sources answer: a dead API must
 * not take the page that shows it is dead out of rotation.
 */
export function readinessChecks(c: DashboardConfig): OpsServerOptions['checks'] {
  const problem = (text: string | undefined) => async () => {
    if (text) throw new Error(text);
  };
  return {
    login: problem(loginConfigured(c) ? undefined : 'no admin password configured (ADMIN_PASSWORD_HASH)'),
    source: problem(
      c.METRICS_SOURCE === 'prometheus' && !c.PROMETHEUS_URL
        ? 'METRICS_SOURCE=prometheus without PROMETHEUS_URL'
        : c.METRICS_SOURCE === 'scrape' &&
            !c.KUBERNETES_DISCOVERY &&
            !c.METRICS_API_URLS.length &&
            !c.METRICS_WORKER_URLS.length
          ? 'no scrape targets configured'
          : undefined,
    ),
  };
}
