import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { buildCrd, crdPath, renderCrdYaml } from './generate.ts';

test('the checked-in CRD is what spec.ts and status.ts generate (run node operator/src/crd/generate.ts)', () => {
  assert.equal(readFileSync(crdPath, 'utf8'), renderCrdYaml());
});

test('the generated schema is structural: no additionalProperties, enums for unions, rules kept', () => {
  const text = JSON.stringify(buildCrd());
  assert.doesNotMatch(text, /additionalProperties|anyOf|"const"/);
  assert.match(text, /"x-kubernetes-validations":\[\{"rule":"self.min <= self.max"/);
  const spec = parse(renderCrdYaml()).spec.versions[0].schema.openAPIV3Schema.properties.spec;
  assert.deepEqual(spec.properties.metrics.properties.source.enum, ['scrape', 'prometheus']);
  // Defaulted fields are optional (the apiserver fills them), required ones stay required.
  assert.deepEqual(spec.properties.api.required, ['hpa', 'p95LatencyMs', 'cpuTarget', 'minReplicas']);
  assert.equal(spec.required, undefined);
});
