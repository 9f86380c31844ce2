// Proves: `make up` refuses a port another program holds, names it and the variable that moves it,
// and starts nothing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/stack.ts';

test('a taken port fails fast with a message naming it', async () => {
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const address = squatter.address();
  assert.ok(address && typeof address === 'object');
  const dataDir = mkdtempSync(join(tmpdir(), 'avelon-port-'));
  try {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        'bash',
        [join(repoRoot, 'scripts/stack/up.sh')],
        {
          // A base no other stack uses, with only the primary's port pointed at the squatter.
          env: {
            ...process.env,
            AVELON_PORT_BASE: '45900',
            AVELON_DATA_DIR: dataDir,
            AVELON_PG_PRIMARY_PORT: String(address.port),
          },
        },
        (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`port ${address.port} for postgres primary is already taken`));
    assert.match(result.stderr, /AVELON_PG_PRIMARY_PORT/);
    assert.equal(existsSync(join(dataDir, 'pg')), false, 'nothing was initialised or started');
  } finally {
    squatter.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
