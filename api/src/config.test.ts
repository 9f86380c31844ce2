import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@avelon/core';
import { loadApiConfig } from './config.ts';

const secret = 'a-real-jwt-secret-of-at-least-thirty-two-chars';
const rejects = (env: Record<string, string>, pattern: RegExp) =>
  assert.throws(
    () => loadApiConfig(env),
    (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
  );

test('production refuses the development JWT secret', () => {
  rejects({ NODE_ENV: 'production' }, /JWT_SECRET/);
  assert.equal(loadApiConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).JWT_SECRET, secret);
});

test('production keeps /metrics and /docs off the public port: OPS_PORT defaults to 9464, 0 is refused', () => {
  assert.equal(loadApiConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).OPS_PORT, 9464);
  rejects({ NODE_ENV: 'production', JWT_SECRET: secret, OPS_PORT: '0' }, /OPS_PORT/);
  assert.equal(loadApiConfig({}).OPS_PORT, 0, 'development: one port');
});

test('timeouts: headers within the request timeout', () => {
  rejects({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' }, /HTTP_HEADERS_TIMEOUT_MS/);
});
