// Proves: files generated from one source are current — the docs from the code, the capacity model and
// its chart from the last benchmark run and the stated assumptions, and the checked-in migrations from the
// Drizzle schema (regenerating them would add nothing).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { capacityFiles } from '../../loadtest/capacity.ts';
import { generatedDocs } from '../../scripts/docs/generate.ts';
import { repoRoot } from '../support/stack.ts';

const run = promisify(execFile);

for (const [path, render] of Object.entries(generatedDocs)) {
  test(`${path} matches the code (make docs regenerates it)`, () => {
    assert.equal(readFileSync(join(repoRoot, path), 'utf8'), render());
  });
}

// One run of the model and the simulator (a few seconds): every file it owns, byte for byte.
const capacity = capacityFiles(repoRoot);
for (const [path, content] of Object.entries(capacity)) {
  test(`${path} matches its inputs (make capacity regenerates it)`, () => {
    assert.equal(readFileSync(join(repoRoot, path), 'utf8'), content);
  });
}

test('the capacity model is deterministic: a second run gives the same bytes', () => {
  assert.deepEqual(capacityFiles(repoRoot), capacity);
});

test('the migrations are current with the Drizzle schema', async () => {
  const out = mkdtempSync(join(tmpdir(), 'avelon-drizzle-'));
  try {
    cpSync(join(repoRoot, 'core/drizzle'), out, { recursive: true });
    const before = readdirSync(out).sort();
    const core = join(repoRoot, 'core');
    // drizzle-kit prefixes --out with './', so it must be relative; it also exits 0 on errors, hence
    // the check for its own "nothing to migrate" line.
    const { stdout, stderr } = await run(
      join(repoRoot, 'node_modules/.bin/drizzle-kit'),
      ['generate', '--dialect', 'postgresql', '--schema', './src/db/schema/index.ts', '--out', relative(core, out)],
      { cwd: core },
    );
    assert.deepEqual(readdirSync(out).sort(), before, `drizzle-kit generated a migration:\n${stdout}`);
    assert.match(stdout, /No schema changes/, `drizzle-kit did not compare the schema:\n${stdout}\n${stderr}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
