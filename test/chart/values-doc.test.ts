// Proves: the values table of docs/install.md is what scripts/docs/chart-values.ts generates from the
// chart's schema and defaults today (`make docs` regenerates it), and it lists every value.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { installDoc, installDocPath, valuesTable } from '../../scripts/docs/chart-values.ts';
import { repoRoot } from './helm.ts';

test(`${installDocPath} has the current values table (make docs regenerates it)`, () => {
  assert.equal(readFileSync(join(repoRoot, installDocPath), 'utf8'), installDoc());
});

test('the table has a row for each value of values.yaml, nested ones included', () => {
  const table = valuesTable();
  for (const path of [
    'api.autoscaling.maxReplicas',
    'postgresql.replica.replicas',
    'workers.queues.<name>.concurrency',
    'redisQueue.persistence.storageClass',
    'adminMetrics.ingress.tls.secretName',
  ]) {
    assert.ok(table.includes(`| \`${path}\` |`), path);
  }
});
