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

test('/metrics and /docs have a port of their own, never PORT', () => {
  assert.equal(loadApiConfig({}).OPS_PORT, 15415);
  rejects({ PORT: '8080', OPS_PORT: '8080' }, /OPS_PORT/);
  assert.equal(loadApiConfig({ PORT: '0', OPS_PORT: '0' }).OPS_PORT, 0, 'a free port each (tests)');
});

test('timeouts: headers within the request timeout', () => {
  rejects({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' }, /HTTP_HEADERS_TIMEOUT_MS/);
});
