import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parsePolicySpec, type ScalingPolicySpec } from '../crd/index.ts';

/**
 * Loads a ScalingPolicy from a YAML file: a whole resource (apiVersion/kind/metadata/spec, as
 * `kubectl apply` takes it) or a bare spec. Validated like the apiserver would (schema and rules).
 * Static metric URLs from the environment replace the file's, so `make up` can point at its ports.
 */
export function loadPolicyFile(
  path: string,
  urls: { api: readonly string[]; worker: readonly string[] },
): { name: string; spec: ScalingPolicySpec } {
  const doc = parse(readFileSync(path, 'utf8')) as { kind?: string; metadata?: { name?: string }; spec?: unknown };
  const raw = (doc?.kind === 'ScalingPolicy' ? doc.spec : doc) as Record<string, unknown>;
  const spec = parsePolicySpec(raw, path);
  spec.metrics.scrape ??= {};
  const scrape = spec.metrics.scrape;
  if (urls.api.length) scrape.api = { path: '/metrics', port: 'metrics', ...scrape.api, urls: [...urls.api] };
  if (urls.worker.length)
    scrape.worker = { path: '/metrics', port: 'metrics', ...scrape.worker, urls: [...urls.worker] };
  return { name: doc?.metadata?.name ?? 'standalone', spec };
}
