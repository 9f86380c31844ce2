import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './logger.ts';

test('JSON lines carry the service and pid; errors lose query parameters and emails', () => {
  let text = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ service: 'test-app', level: 'info', destination });
  const failed = Object.assign(new Error('Failed query: select $1\nparams: ada@example.com'), {
    params: ['ada@example.com'],
    code: '22P02',
  });
  logger.error({ err: failed }, 'query failed');
  logger.debug('below the level');
  const lines = text.trim().split('\n');
  assert.equal(lines.length, 1, text);
  const line = JSON.parse(lines[0] ?? '{}');
  assert.equal(line.service, 'test-app');
  assert.equal(line.pid, process.pid);
  assert.equal(line.msg, 'query failed');
  assert.equal(line.err.code, '22P02');
  assert.ok(!text.includes('ada@example.com'), text);
});
