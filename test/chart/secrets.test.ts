// Proves what can be shown without a cluster about the generated secrets: they are generated (two
// renders differ), given values win and are used everywhere the secret reaches (URLs, PgBouncer's
// userlist), the template reads the stored Secret back by the very name it renders (lookup), and
// that Secret is kept on uninstall. That an upgrade really keeps them needs an API server (`lookup`
// is empty under `helm template`): the cluster's chart test installs, upgrades and compares.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chartDir, type Manifest, render } from './helm.ts';

const secret = (ms: Manifest[], name: string) => {
  const s = ms.find((m) => m.kind === 'Secret' && m.metadata.name === name);
  assert.ok(s, `Secret ${name} rendered`);
  return s.stringData as Record<string, string>;
};

test('passwords are generated: two renders without a stored Secret differ', async () => {
  const [a, b] = await Promise.all([render(), render()]);
  for (const key of ['postgres-password', 'app-password', 'replication-password', 'jwt-secret', 'session-secret']) {
    assert.ok((secret(a, 'avelon')[key] ?? '').length >= 32, key);
    assert.notEqual(secret(a, 'avelon')[key], secret(b, 'avelon')[key], key);
  }
});

test('a given password wins and reaches every URL and the PgBouncer userlist', async () => {
  const ms = await render([], ['secrets.appPassword=given1', 'postgresql.replica.replicas=2']);
  const s = secret(ms, 'avelon');
  assert.equal(s['app-password'], 'given1');
  for (const key of ['database-url', 'migration-url']) assert.match(String(s[key]), /^postgres:\/\/avelon:given1@/);
  for (const url of String(s['replica-urls']).split(',')) assert.match(url, /^postgres:\/\/avelon:given1@/);
  assert.equal(secret(ms, 'avelon-pgbouncer')['userlist.txt'], '"avelon" "given1"\n');
});

test('the template reads the stored Secret back by the name it renders, and keeps it on uninstall', async () => {
  const source = readFileSync(join(chartDir, 'templates/secrets.yaml'), 'utf8');
  assert.match(source, /lookup "v1" "Secret" \.Release\.Namespace \$name/);
  assert.match(source, /\$name := include "avelon\.secretName" \./);
  const ms = await render();
  const s = ms.find((m) => m.kind === 'Secret' && m.metadata.name === 'avelon');
  assert.equal(s?.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
});
