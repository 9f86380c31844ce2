// Reads what `make images` built, from the docker-archives themselves (what the cluster imports),
// not from buildah's storage: images.tsv, each image's config, and every path its layers hold.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
// Not from stack.ts: reading images needs no stack, nor its environment.
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface BuiltImage {
  name: string;
  ref: string;
  archive: string;
}

/** The folder scripts/images/build.sh writes to (AVELON_IMAGES_DIR, as in scripts/images/lib.sh). */
export const imagesDir = process.env.AVELON_IMAGES_DIR ?? join(repoRoot, '.data/images');

/** The images listed in images.tsv: name, ref, archive path. */
export function builtImages(): BuiltImage[] {
  return readFileSync(join(imagesDir, 'images.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name = '', ref = '', archive = ''] = line.split('\t');
      return { name, ref, archive };
    });
}

/** The image's OCI/Docker config (User, Entrypoint, Cmd, Env ...), read with skopeo. */
export async function imageConfig(archive: string): Promise<Record<string, unknown>> {
  const { stdout } = await run('skopeo', ['inspect', '--config', `docker-archive:${archive}`]);
  return (JSON.parse(stdout) as { config: Record<string, unknown> }).config;
}

/** Every path in every layer of a docker-archive, without a leading `./` or `/`. */
export async function layerPaths(archive: string): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'avelon-image-'));
  try {
    await run('tar', ['-xf', archive, '-C', dir, 'manifest.json']);
    const [manifest] = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
    if (!manifest) throw new Error(`${archive} has an empty manifest.json`);
    await run('tar', ['-xf', archive, '-C', dir, ...manifest.Layers]);
    const paths = new Set<string>();
    for (const layer of manifest.Layers) {
      const { stdout } = await run('tar', ['-tf', join(dir, layer)], { maxBuffer: 1 << 28 });
      for (const p of stdout.split('\n')) if (p) paths.add(p.replace(/^\.?\//, '').replace(/\/$/, ''));
    }
    return paths;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
