import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@avelon/core';
import { loadDashboardConfig } from './config.ts';

test('production refuses the development session secret; development keeps it', () => {
  assert.throws(
    () => loadDashboardConfig({ NODE_ENV: 'production' }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /SESSION_SECRET/);
      return true;
    },
  );
  const secret = 'a-real-session-secret-of-at-least-32-chars';
  assert.equal(loadDashboardConfig({ NODE_ENV: 'production', SESSION_SECRET: secret }).SESSION_SECRET, secret);
  assert.equal(loadDashboardConfig({}).NODE_ENV, 'development');
});
