// Proves: docs/reliability.md is what its one source, docs/reliability.json (written by `make chaos`),
// renders to with the current report and causes (loadtest/chaos/report.ts, causes.ts); after changing
// either, `node loadtest/chaos.ts --report-only` rewrites the page without running the experiments.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { reliabilityDoc } from '../../loadtest/chaos/report.ts';
import type { ExperimentResult } from '../../loadtest/chaos/run-experiment.ts';
import { repoRoot } from '../support/stack.ts';

test('docs/reliability.md matches docs/reliability.json', () => {
  const { experiments } = JSON.parse(readFileSync(join(repoRoot, 'docs/reliability.json'), 'utf8')) as {
    experiments: ExperimentResult[];
  };
  assert.ok(experiments.length > 0, 'the JSON holds results');
  assert.equal(readFileSync(join(repoRoot, 'docs/reliability.md'), 'utf8'), reliabilityDoc(experiments));
});
