import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { clientErrorHandler } from './errors.ts';

/** A socket that keeps what is written to it. */
function fakeSocket() {
  const socket = new PassThrough();
  let written = '';
  socket.on('data', (chunk: Buffer) => {
    written += chunk.toString();
  });
  socket.on('error', () => {});
  return { socket, written: () => written };
}

const app = { log: { debug: () => {} } } as unknown as FastifyInstance;

const cases: Array<{ why: string; code: string; status: number; apiCode: string }> = [
  // Headers or body too slow: node's request timeout.
  { why: 'timeout', code: 'ERR_HTTP_REQUEST_TIMEOUT', status: 408, apiCode: 'API_ERR_REQUEST_TIMEOUT' },
  // Past node's header size limit.
  { why: 'headers too large', code: 'HPE_HEADER_OVERFLOW', status: 431, apiCode: 'API_ERR_HEADERS_TOO_LARGE' },
  // A header name that is not a token, a control character in a value, a bad method: all the parser's.
  { why: 'not HTTP', code: 'HPE_INVALID_HEADER_TOKEN', status: 400, apiCode: 'API_ERR_MALFORMED_REQUEST' },
];

for (const c of cases) {
  test(`a client error (${c.why}) is answered ${c.status} with ${c.apiCode}, then the socket is closed`, async () => {
    const { socket, written } = fakeSocket();
    clientErrorHandler.call(app, Object.assign(new Error(c.why), { code: c.code }), socket);
    await new Promise((resolve) => setImmediate(resolve));
    const [head = '', body = ''] = written().split('\r\n\r\n');
    assert.match(head, new RegExp(`^HTTP/1.1 ${c.status} `));
    assert.match(head, /content-length: \d+/i);
    assert.equal(JSON.parse(body).error.code, c.apiCode);
    assert.equal(socket.destroyed, true);
  });
}

test('a reset connection gets no answer', () => {
  const { socket, written } = fakeSocket();
  clientErrorHandler.call(app, Object.assign(new Error('reset'), { code: 'ECONNRESET' }), socket);
  assert.equal(written(), '');
});
