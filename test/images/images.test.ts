// Proves: every image `make images` built runs as a numeric non-root user with the expected entrypoint,
// holds its server, and the app images carry no dev-only package, test file or build-time mount; and
// a second build with unchanged files rebuilds nothing (content hash). Reads the archives themselves.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { builtImages, imageConfig, layerPaths, repoRoot } from '../support/image-archive.ts';

const run = promisify(execFile);

const images: Record<string, { entrypoint: string[]; has: string[] }> = {
  // api: the server, and the migrations it can run as a Job (core/src/db/migrate-cli.ts)
  api: {
    entrypoint: ['node', 'api/src/main.ts'],
    has: ['app/node_modules/fastify/package.json', 'app/core/drizzle/meta/_journal.json'],
  },
  worker: { entrypoint: ['node', 'worker/src/main.ts'], has: ['app/node_modules/nodemailer/package.json'] },
  operator: {
    entrypoint: ['node', 'operator/src/main.ts'],
    has: ['app/node_modules/@kubernetes/client-node/package.json', 'app/operator/standalone-policy.yaml'],
  },
  // admin-metrics: the server and the page Vite built in the image's build stage
  'admin-metrics': {
    entrypoint: ['node', 'admin-metrics/src/main.ts'],
    has: ['app/node_modules/fastify/package.json', 'app/admin-metrics/dist/index.html'],
  },
  postgres: { entrypoint: ['/usr/local/bin/entrypoint.sh'], has: ['usr/lib/postgresql/15/bin/postgres'] },
  redis: { entrypoint: ['/usr/local/bin/entrypoint.sh'], has: ['usr/bin/redis-server'] },
  pgbouncer: { entrypoint: ['/usr/local/bin/entrypoint.sh'], has: ['usr/sbin/pgbouncer'] },
};
const appImages = new Set(['api', 'worker', 'operator', 'admin-metrics']);
// Demo data, mail sink, type checking, linting, bundling: tools of the repository, never of a pod.
const devOnly = [
  '@faker-js/faker',
  'cli-progress',
  'pg-copy-streams',
  'smtp-server',
  'mailparser',
  'bentocache',
  'typescript',
  '@biomejs/biome',
  'knip',
  'dependency-cruiser',
  'drizzle-kit',
  'vite',
];

const built = builtImages();

test('images.tsv lists every image once, as localhost/avelon/<name>:<12-hex hash>', () => {
  assert.deepEqual(built.map((i) => i.name).sort(), Object.keys(images).sort());
  for (const { name, ref, archive } of built) {
    assert.match(ref, new RegExp(`^localhost/avelon/${name}:[0-9a-f]{12}$`));
    assert.ok(archive.startsWith('/'), `${name}: archive path ${archive} is absolute`);
  }
});

for (const { name, archive } of built) {
  const want = images[name];
  if (!want) continue;

  test(`${name}: numeric non-root user, entrypoint ${want.entrypoint.join(' ')}`, async () => {
    const config = await imageConfig(archive);
    assert.match(String(config.User), /^[1-9][0-9]*(:[0-9]+)?$/, `${name} runs as ${config.User}`);
    assert.deepEqual(config.Entrypoint, want.entrypoint);
  });

  test(`${name}: holds its server${appImages.has(name) ? ', and no dev-only package or test file' : ''}`, async () => {
    const paths = await layerPaths(archive);
    for (const path of want.has) assert.ok(paths.has(path), `${name} lacks ${path}`);
    if (!appImages.has(name)) return;
    for (const pkg of devOnly) {
      const found = [...paths].find((p) => p.includes(`node_modules/${pkg}/`));
      assert.equal(found, undefined, `${name} carries the dev-only package ${pkg}`);
    }
    // Our own unit tests and their fixtures (packages in node_modules ship theirs; not ours to trim).
    const ownTests = [...paths].filter((p) => /\.test(-support)?\.ts$/.test(p) && !p.includes('node_modules/'));
    assert.deepEqual(ownTests, [], `${name} ships unit tests`);
    // The registry CA and npmrc build.sh mounts for npm ci stay out of every layer.
    assert.equal(paths.has('run/host-npm-ca.crt') || paths.has('usr/local/etc/npmrc'), false);
  });
}

test('a second build with unchanged files rebuilds nothing', async () => {
  const { stdout } = await run('bash', [join(repoRoot, 'scripts/images/build.sh')], { maxBuffer: 1 << 24 });
  for (const name of Object.keys(images)) assert.match(stdout, new RegExp(`==> images: ${name}: up to date`));
  assert.doesNotMatch(stdout, /building/);
});
