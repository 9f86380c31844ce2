import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSupportedNode } from './node-version.ts';

test('Node 24 passes; others fail with a message that says how to fix it', () => {
  assert.doesNotThrow(() => assertSupportedNode('24.21.0'));
  assert.doesNotThrow(() => assertSupportedNode(process.versions.node), 'the test run itself is on Node 24');
  for (const other of ['20.20.2', '22.1.0', '26.0.0']) {
    assert.throws(() => assertSupportedNode(other), /needs Node 24\.x.*\.tools\/bin/s, other);
  }
});
