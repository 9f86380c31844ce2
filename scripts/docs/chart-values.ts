// The values table of docs/install.md, generated from charts/avelon/values.schema.json (descriptions,
// types) and values.yaml (defaults), between the markers below. `make docs` runs it through
// generate.ts; test/chart/values-doc.test.ts fails when the checked-in table has drifted.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const installDocPath = 'docs/install.md';
const begin = '<!-- values:begin (generated from charts/avelon/values.schema.json; do not edit) -->';
const end = '<!-- values:end -->';

type Schema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
  $ref?: string;
  enum?: unknown[];
  definitions?: Record<string, Schema>;
};

/** One row per leaf value: objects described as a whole (resources, maps) stay one row. */
function rows(schema: Schema, defs: Record<string, Schema>, defaults: unknown, path: string, out: string[][]): void {
  const ref = schema.$ref ?? schema.allOf?.[0]?.$ref;
  const resolved = ref ? { ...defs[ref.replace('#/definitions/', '')], description: schema.description } : schema;
  const expandable = resolved.properties && ref !== '#/definitions/resources';
  if (expandable && resolved.properties) {
    if (path && resolved.description && !ref) out.push([`\`${path}\``, 'object', '', resolved.description]);
    for (const [key, child] of Object.entries(resolved.properties)) {
      const d = defaults && typeof defaults === 'object' ? (defaults as Record<string, unknown>)[key] : undefined;
      const childPath = path ? `${path}.${key}` : key;
      const desc = ref && child.description ? `${resolved.description} ${child.description}` : child.description;
      rows({ ...child, description: desc ?? '' }, defs, d, childPath, out);
    }
    return;
  }
  if (typeof resolved.additionalProperties === 'object' && resolved.additionalProperties.properties) {
    out.push([
      `\`${path}\``,
      'map',
      code(defaults === undefined ? '' : Object.keys(defaults as object).join(', ')),
      resolved.description ?? '',
    ]);
    rows(resolved.additionalProperties, defs, undefined, `${path}.<name>`, out);
    return;
  }
  const type =
    ref === '#/definitions/resources'
      ? 'resources'
      : ref === '#/definitions/env'
        ? 'map'
        : [resolved.type ?? ''].flat().join(' \\| ');
  const allowed = resolved.enum ? ` One of ${resolved.enum.map((e) => `\`${JSON.stringify(e)}\``).join(', ')}.` : '';
  out.push([
    `\`${path}\``,
    type,
    defaults === undefined ? '' : code(JSON.stringify(defaults)),
    `${resolved.description ?? ''}${allowed}`,
  ]);
}

const code = (s: string) => (s === '' ? '' : `\`${s.replace(/\|/g, '\\|')}\``);

export function valuesTable(): string {
  const schema = JSON.parse(readFileSync(`${root}charts/avelon/values.schema.json`, 'utf8')) as Schema;
  const defaults = parse(readFileSync(`${root}charts/avelon/values.yaml`, 'utf8'));
  const out: string[][] = [];
  rows(schema, schema.definitions ?? {}, defaults, '', out);
  const lines = ['| Value | Type | Default | What it does |', '|---|---|---|---|'];
  for (const r of out) lines.push(`| ${r.map((c) => c.replace(/\n/g, ' ')).join(' | ')} |`);
  return lines.join('\n');
}

/** docs/install.md with its values table regenerated. */
export function installDoc(): string {
  const current = readFileSync(`${root}${installDocPath}`, 'utf8');
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${installDocPath}: the values markers are missing`);
  return `${current.slice(0, from + begin.length)}\n\n${valuesTable()}\n\n${current.slice(to)}`;
}
