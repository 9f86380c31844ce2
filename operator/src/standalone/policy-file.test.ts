import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadPolicyFile } from './policy-file.ts';

const shipped = fileURLToPath(new URL('../../standalone-policy.yaml', import.meta.url));

test('the shipped standalone policy is valid and names the local services', () => {
  const { name, spec } = loadPolicyFile(shipped, { api: [], worker: [] });
  assert.equal(name, 'avelon-local');
  assert.deepEqual(spec.metrics.scrape?.api?.urls, ['http://127.0.0.1:15415/metrics']);
  assert.deepEqual(
    spec.workers?.map((w) => w.queue),
    ['emails', 'notifications'],
  );
});

test('URLs from the environment replace the file (make up passes its own ports)', () => {
  const { spec } = loadPolicyFile(shipped, { api: ['http://127.0.0.1:36410/metrics'], worker: [] });
  assert.deepEqual(spec.metrics.scrape?.api?.urls, ['http://127.0.0.1:36410/metrics']);
  assert.deepEqual(spec.metrics.scrape?.worker?.urls, ['http://127.0.0.1:15411/metrics']);
});
