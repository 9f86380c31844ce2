// Proves: values.schema.json (draft-07, self-contained) rejects bad values, and helm's error names
// the field; good values pass (so the rejections are the schema's, not a broken chart).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chartDir, helm } from './helm.ts';

test('the schema is draft-07 and refers to nothing outside itself', () => {
  const text = readFileSync(join(chartDir, 'values.schema.json'), 'utf8');
  const schema = JSON.parse(text);
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  const refs = [...text.matchAll(/"\$ref":\s*"([^"]*)"/g)].map((m) => m[1]);
  assert.ok(refs.length > 0);
  for (const ref of refs) assert.match(String(ref), /^#\/definitions\//);
});

const bad: Array<{ set: string; field: RegExp }> = [
  { set: 'api.replicas=two', field: /\/api\/replicas/ },
  { set: 'api.image.tag=latest', field: /\/api\/image\/tag/ },
  { set: 'api.bogus=1', field: /\/api.*bogus/ },
  { set: 'api.service.type=Internal', field: /\/api\/service\/type/ },
  { set: 'workers.queues.emails.concurrency=0', field: /\/workers\/queues\/emails\/concurrency/ },
  { set: 'workers.queues.Bad_Name.concurrency=1', field: /\/workers\/queues/ },
  { set: 'postgresql.replica.replicas=-1', field: /\/postgresql\/replica\/replicas/ },
  { set: 'postgresql.primary.persistence.size=lots', field: /\/postgresql\/primary\/persistence\/size/ },
  { set: 'redisCache.maxmemoryPolicy=noeviction', field: /\/redisCache\/maxmemoryPolicy/ },
  { set: 'global.imagePullPolicy=Sometimes', field: /\/global\/imagePullPolicy/ },
  { set: 'secrets.appPassword=has space', field: /\/secrets\/appPassword/ },
  { set: 'secrets.jwtSecret=short', field: /\/secrets\/jwtSecret/ },
  { set: 'externalDatabase.url=mysql://x', field: /\/externalDatabase\/url/ },
  { set: 'api.resources.requests.cpu=lots', field: /\/api\/resources\/requests\/cpu/ },
  { set: 'scalingPolicy.api.p95LatencyMs=0', field: /\/scalingPolicy\/api\/p95LatencyMs/ },
];

for (const { set, field } of bad) {
  test(`--set ${set} is rejected, naming the field`, async () => {
    const r = await helm(['template', 'avelon', chartDir, '--set', set]);
    assert.notEqual(r.code, 0, 'helm accepted it');
    assert.match(r.stderr, /values don't meet the specifications of the schema/);
    assert.match(r.stderr, field);
  });
}

test('good values of the same fields are accepted', async () => {
  const good = [
    'api.replicas=3',
    'api.image.tag=ba0824a7396f',
    'api.service.type=NodePort',
    'workers.queues.emails.concurrency=4',
    'postgresql.replica.replicas=0',
    'postgresql.primary.persistence.size=20Gi',
    'redisCache.maxmemoryPolicy=allkeys-lfu',
    'global.imagePullPolicy=Never',
    'secrets.appPassword=abc123',
    'api.resources.requests.cpu=250m',
  ];
  const r = await helm(['template', 'avelon', chartDir, ...good.flatMap((s) => ['--set', s])]);
  assert.equal(r.code, 0, r.stderr);
});

test('missing external URLs are refused with the value to set', async () => {
  const r = await helm(['template', 'avelon', chartDir, '--set', 'postgresql.enabled=false']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /externalDatabase\.url is required/);
});
