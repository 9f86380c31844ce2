// Runs the repository's helm (.tools/bin, from `make tools`) on charts/avelon and parses what it
// renders. The chart tests need no cluster: they read `helm template` output and helm's own errors.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const chartDir = join(repoRoot, 'charts/avelon');
const helmBin = join(repoRoot, '.tools/bin/helm');

/** The value files helm lint and the render tests go through: the defaults and each ci/ file. */
export const ciValueFiles = readdirSync(join(chartDir, 'ci'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => join(chartDir, 'ci', f));

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked field by field
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  [key: string]: any;
};

export type HelmResult = { code: number; stdout: string; stderr: string };

/** helm with the given arguments; never throws on a non-zero exit (tests look at the code). */
export async function helm(args: string[]): Promise<HelmResult> {
  try {
    const { stdout, stderr } = await run(helmBin, args, { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** Renders the chart (hooks and test pods included) with value files and --set pairs. */
export async function render(valueFiles: string[] = [], set: string[] = [], release = 'avelon'): Promise<Manifest[]> {
  const args = ['template', release, chartDir, '--namespace', 'shop'];
  for (const f of valueFiles) args.push('--values', f);
  for (const s of set) args.push('--set', s);
  const r = await helm(args);
  if (r.code !== 0) throw new Error(`helm template failed (${r.code}):\n${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`helm rendered invalid YAML: ${d.errors[0]?.message}`);
      return d.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

/** The pod template of a workload, or the pod itself. */
// biome-ignore lint/suspicious/noExplicitAny: see Manifest
export function podSpec(m: Manifest): any {
  if (m.kind === 'Pod') return m.spec;
  return m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template.spec : m.spec?.template?.spec;
}

export const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Pod']);
export const longRunningKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
