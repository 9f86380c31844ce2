// Plugins name the plugins whose decorators they read: one registered without them must fail at start
// with Fastify's own error, not at its first request with an undefined decorator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { loadApiConfig } from '../../config.ts';
import { brandRoutes } from '../../routes/brands/routes.ts';
import { userRoutes } from '../../routes/users/routes.ts';
import { cachePlugin } from './cache.ts';
import { configPlugin } from './config.ts';

const missing = (dependency: string, plugin: string) => (error: unknown) => {
  const e = error as { code?: string; message?: string };
  assert.equal(e.code, 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED');
  assert.equal(e.message, `The dependency '${dependency}' of plugin '${plugin}' is not registered`);
  return true;
};

test('a routes plugin registered without the service plugins it reads fails at start', async () => {
  const app = Fastify();
  app.register(brandRoutes);
  await assert.rejects(async () => app.ready(), missing('avelon-config', 'avelon-routes-brands'));
});

test('with some services registered, the error names the first one still missing', async () => {
  const app = Fastify();
  app.register(configPlugin, { config: loadApiConfig({}) });
  app.register(userRoutes);
  await assert.rejects(async () => app.ready(), missing('avelon-database', 'avelon-routes-users'));
});

test('a service plugin registered without the one it builds on fails at start', async () => {
  const app = Fastify();
  app.register(configPlugin, { config: loadApiConfig({}) });
  app.register(cachePlugin);
  await assert.rejects(async () => app.ready(), missing('avelon-cache-redis', 'avelon-cache'));
});
