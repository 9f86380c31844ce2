// Proves: `helm lint --strict` passes on the defaults and on every value file of charts/avelon/ci/,
// and fails on a chart that is broken (so a pass means something).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { chartDir, ciValueFiles, helm } from './helm.ts';

test('charts/avelon/ci holds the four value files the issue asks for', () => {
  assert.deepEqual(ciValueFiles.map((f) => basename(f)).sort(), [
    'default-values.yaml',
    'everything-on-values.yaml',
    'external-services-values.yaml',
    'three-replicas-values.yaml',
  ]);
});

test('helm lint --strict passes with the defaults', async () => {
  const r = await helm(['lint', '--strict', chartDir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

for (const file of ciValueFiles) {
  test(`helm lint --strict passes with ci/${basename(file)}`, async () => {
    const r = await helm(['lint', '--strict', chartDir, '--values', file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
}

test('helm lint --strict fails on a template that does not parse', async () => {
  const copy = mkdtempSync(join(tmpdir(), 'avelon-chart-'));
  try {
    cpSync(chartDir, copy, { recursive: true });
    writeFileSync(join(copy, 'templates/broken.yaml'), 'kind: ConfigMap\nmetadata: {{ .Values.nope.deeper }}\n');
    const r = await helm(['lint', '--strict', copy]);
    assert.notEqual(r.code, 0);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
