import assert from 'node:assert/strict';
import { test } from 'node:test';
import { databaseConfigShape } from '../db/config.ts';
import { ConfigError, describeConfig, loadConfig } from './load-config.ts';

test('defaults fill what the environment leaves out, and the result is frozen', () => {
  const config = loadConfig(databaseConfigShape, {});
  assert.equal(config.DATABASE_POOL_SIZE, 20);
  assert.deepEqual(config.DATABASE_REPLICA_URLS, ['postgres://avelon:avelon@127.0.0.1:15402/avelon']);
  assert.ok(Object.isFrozen(config));
});

test('environment strings are parsed into their types', () => {
  const config = loadConfig(databaseConfigShape, {
    DATABASE_POOL_SIZE: '7',
    DATABASE_REPLICA_URLS: 'postgres://a@h1:5432/d, postgres://a@h2:5432/d',
  });
  assert.equal(config.DATABASE_POOL_SIZE, 7);
  assert.deepEqual(config.DATABASE_REPLICA_URLS, ['postgres://a@h1:5432/d', 'postgres://a@h2:5432/d']);
});

test('an empty replica list is allowed: every read goes to the primary', () => {
  assert.deepEqual(loadConfig(databaseConfigShape, { DATABASE_REPLICA_URLS: '' }).DATABASE_REPLICA_URLS, []);
});

test('every bad key is reported at once', () => {
  const error = (() => {
    try {
      loadConfig(databaseConfigShape, {
        DATABASE_URL: 'not a url',
        DATABASE_POOL_SIZE: '0',
        DATABASE_QUERY_TIMEOUT_MS: 'soon',
        DATABASE_REPLICA_URLS: 'postgres://ok@h/d,nope',
      });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof ConfigError);
  const keys = error.problems.map((p) => p.split(':')[0]?.split('.')[0]).sort();
  assert.deepEqual(keys, ['DATABASE_POOL_SIZE', 'DATABASE_QUERY_TIMEOUT_MS', 'DATABASE_REPLICA_URLS', 'DATABASE_URL']);
});

test('every option documents itself with a default', () => {
  for (const option of describeConfig(databaseConfigShape)) {
    assert.ok(option.description.length > 10, `${option.name} has a description`);
    assert.notEqual(option.defaultValue, '(required)', `${option.name} has a default`);
  }
});
