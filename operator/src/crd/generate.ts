// Generates the ScalingPolicy CRD from its one source (spec.ts, status.ts) and writes it to
// operator/crd/. A unit test (generate.test.ts) fails when the checked-in YAML is stale.
// Usage: node operator/src/crd/generate.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { stringify } from 'yaml';
import { scalingPolicySpecSchema } from './spec.ts';
import { scalingPolicyStatusSchema } from './status.ts';

export const crdGroup = 'autoscaling.avelon.io';
export const crdVersion = 'v1alpha1';
export const crdPlural = 'scalingpolicies';
export const crdKind = 'ScalingPolicy';
export const crdName = `${crdPlural}.${crdGroup}`;
/** Where the generated CRD is checked in. */
export const crdPath = fileURLToPath(new URL(`../../crd/${crdName}.yaml`, import.meta.url));

type Json = Record<string, unknown>;

/**
 * Turns a TypeBox (JSON Schema) node into the structural OpenAPI v3 subset the apiserver accepts:
 * const unions become enums, numeric exclusive bounds become OpenAPI's boolean form, and
 * `additionalProperties: false` goes (structural schemas forbid it next to `properties`).
 */
export function toStructural(schema: TSchema): Json {
  const s = schema as Json;
  const anyOf = s.anyOf as Json[] | undefined;
  if (anyOf?.every((b) => 'const' in b)) {
    const { anyOf: _drop, ...rest } = s;
    return { type: typeof anyOf[0]?.const, enum: anyOf.map((b) => b.const), ...clean(rest) };
  }
  const out = clean(s);
  // `default: {}` spelled out in full: CEL rules and required fields see a complete object.
  if (s.properties && s.default && typeof s.default === 'object')
    out.default = Value.Default(schema, Value.Clone(s.default));
  if (s.properties) {
    const props = s.properties as Record<string, Json>;
    // A defaulted field is never absent once the apiserver has defaulted it, and a `default: {}` must
    // itself validate: so defaulted fields are optional in the CRD (the TS type keeps them required).
    const required = ((s.required as string[] | undefined) ?? []).filter((k) => !('default' in (props[k] ?? {})));
    if (required.length) out.required = required;
    else delete out.required;
    out.properties = Object.fromEntries(
      Object.entries(s.properties as Record<string, TSchema>).map(([k, v]) => [k, toStructural(v)]),
    );
  }
  if (s.items) out.items = toStructural(s.items as TSchema);
  return out;
}

function clean(s: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'additionalProperties' || k === '$id' || k === 'properties' || k === 'items') continue;
    if (k === 'exclusiveMinimum' || k === 'exclusiveMaximum') {
      out[k === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = v;
      out[k] = true;
      continue;
    }
    out[k] = v;
  }
  return out;
}

const column = (name: string, type: string, jsonPath: string, description: string, priority = 0) => ({
  name,
  type,
  jsonPath,
  description,
  ...(priority ? { priority } : {}),
});

/** The CustomResourceDefinition object. */
export function buildCrd(): Json {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName, labels: { 'app.kubernetes.io/part-of': 'avelon' } },
    spec: {
      group: crdGroup,
      scope: 'Namespaced',
      names: {
        kind: crdKind,
        listKind: `${crdKind}List`,
        plural: crdPlural,
        singular: 'scalingpolicy',
        shortNames: ['sp'],
        categories: ['avelon'],
      },
      versions: [
        {
          name: crdVersion,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            column('SLO-ms', 'integer', '.spec.api.p95LatencyMs', 'p95 latency objective'),
            column('P95-ms', 'number', '.status.observed.p95LatencyMs', 'p95 latency observed over the window'),
            column('CPU-Target', 'integer', '.status.applied.api.cpuTarget', 'CPU target set on the API HPA'),
            column('API-Floor', 'integer', '.status.applied.api.minReplicas', 'minReplicas set on the API HPA'),
            column('Metrics', 'string', '.status.conditions[?(@.type=="MetricsAvailable")].status', 'all fresh'),
            column('Ready', 'string', '.status.conditions[?(@.type=="Ready")].status', 'policy valid and applied'),
            column('DryRun', 'boolean', '.spec.dryRun', 'computes without applying', 1),
            column('Leader', 'string', '.status.leader', 'operator process that wrote the status', 1),
            column('Age', 'date', '.metadata.creationTimestamp', 'age'),
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'SLOs and bounds the Avelon operator holds by moving HPA targets and cache TTLs.',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: toStructural(scalingPolicySpecSchema),
                status: toStructural(scalingPolicyStatusSchema),
              },
            },
          },
        },
      ],
    },
  };
}

/** The CRD as checked-in YAML. */
export function renderCrdYaml(): string {
  const header =
    '# Generated by `node operator/src/crd/generate.ts` from operator/src/crd/{spec,status}.ts; do not edit.\n';
  return header + stringify(buildCrd(), { lineWidth: 0, aliasDuplicateObjects: false });
}

if (import.meta.main) {
  const want = renderCrdYaml();
  let have = '';
  try {
    have = readFileSync(crdPath, 'utf8');
  } catch {}
  if (process.argv.includes('--check')) {
    if (have !== want) {
      console.error(`${crdPath} is stale: run node operator/src/crd/generate.ts`);
      process.exitCode = 1;
    }
  } else if (have !== want) {
    writeFileSync(crdPath, want);
    console.log(`==> crd: wrote ${crdPath}`);
  }
}
