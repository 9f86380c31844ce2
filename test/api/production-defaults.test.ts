// Safe defaults of a real API process in production mode (NODE_ENV=production, as in the image): the
// development JWT secret is refused; probes, /metrics and /docs answer only on the ops port and the API
// only on the public one; every answer says nosniff; error logs carry neither query parameters nor emails.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '@avelon/core';
import { sql } from 'drizzle-orm';
import { type ApiProcess, closeDb, spawnApi, startApp, type TestApp, unique } from '../support/api.ts';

const production = { NODE_ENV: 'production', JWT_SECRET: 'a-real-jwt-secret-of-at-least-thirty-two-chars' };

after(() => closeDb());

test('production with the development JWT secret does not start', async () => {
  // The stack's environment sets no JWT_SECRET: the default is the development one.
  assert.equal(process.env.JWT_SECRET, undefined);
  const started = await spawnApi({ NODE_ENV: 'production' }).catch((error: Error) => error);
  if (!(started instanceof Error)) {
    await started.stop();
    assert.fail('started with the development JWT secret');
  }
  assert.match(started.message, /JWT_SECRET/);
});

describe('production: operations endpoints off the public port', () => {
  let api: ApiProcess;
  let ops: string;
  before(async () => {
    api = await spawnApi(production);
    ops = api.opsUrl;
  });
  after(() => api?.stop());

  test('/metrics and /docs: 404 on the public port, served on the ops port', async () => {
    for (const path of ['/metrics', '/docs', '/docs/json']) {
      assert.equal((await fetch(`${api.url}${path}`)).status, 404, `public ${path}`);
    }
    const metrics = await fetch(`${ops}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /avelon_http_request_duration_seconds/);
    assert.equal((await fetch(`${ops}/docs/json`)).status, 200);
  });

  test('the API answers on the public port only; probes on the ops port only', async () => {
    assert.equal((await fetch(`${api.url}/api/v1/brands?limit=1`)).status, 200);
    assert.equal((await fetch(`${ops}/api/v1/brands?limit=1`)).status, 404);
    for (const path of ['/livez', '/readyz']) {
      assert.equal((await fetch(`${api.url}${path}`)).status, 404, `public ${path}`);
      assert.equal((await fetch(`${ops}${path}`)).status, 200, `ops ${path}`);
    }
  });

  test('every answer carries X-Content-Type-Options: nosniff', async () => {
    const answers = [
      await fetch(`${api.url}/api/v1/brands?limit=1`),
      await fetch(`${api.url}/nope`),
      await fetch(`${api.url}/api/v1/brands?limit=x`),
      await fetch(`${api.url}/api/v1/auth/otp`, {
        method: 'POST',
        body: 'x',
        headers: { 'content-type': 'text/plain' },
      }),
      await fetch(`${ops}/readyz`),
      await fetch(`${ops}/metrics`),
      await fetch(`${ops}/docs/json`),
    ];
    assert.deepEqual(
      answers.map((r) => [r.status, r.headers.get('x-content-type-options')]),
      [200, 404, 400, 415, 200, 200, 200].map((status) => [status, 'nosniff']),
    );
  });
});

describe('error logs', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp();
  });
  after(() => t?.close());

  test('a failed query is logged with its SQL and code, without its parameters or the email in it', async () => {
    const email = `${unique('pii')}@test.avelon.local`;
    const error = await t.app.db.primary.execute(sql`SELECT ${email}::int`).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error, 'the query fails');
    let lines = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines += chunk.toString();
        done();
      },
    });
    createLogger({ service: 'api', level: 'info', destination: sink }).error({ err: error }, 'unhandled error');
    assert.match(lines, /unhandled error/);
    assert.match(lines, /22P02/, 'the Postgres code is kept');
    assert.ok(!lines.includes(email), lines);
  });
});
