import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../config/load-config.ts';
import { opsConfigShape, refuseSharedOpsPort } from './ops-config.ts';

test('the ops server listens on loopback by default, on the app default port', () => {
  const config = loadConfig(opsConfigShape(15499, ''), {});
  assert.deepEqual(config, { OPS_PORT: 15499, OPS_HOST: '127.0.0.1' });
  assert.throws(() => loadConfig(opsConfigShape(15499, ''), { OPS_PORT: '70000' }), /OPS_PORT/);
});

test('one port for both servers is refused; 0 (a free port each) is not', () => {
  assert.throws(() => refuseSharedOpsPort({ PORT: 8080, OPS_PORT: 8080 }), ConfigError);
  assert.doesNotThrow(() => refuseSharedOpsPort({ PORT: 0, OPS_PORT: 0 }));
  assert.doesNotThrow(() => refuseSharedOpsPort({ PORT: 8080, OPS_PORT: 9464 }));
});
