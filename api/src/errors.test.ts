import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ApiError, apiErrors, errorBody } from './errors.ts';

const doc = readFileSync(new URL('../../docs/api-errors.md', import.meta.url), 'utf8');

test('every error code is documented in docs/api-errors.md with its status', () => {
  for (const [code, { status }] of Object.entries(apiErrors)) {
    const row = doc.split('\n').find((line) => line.includes(`\`${code}\``));
    assert.ok(row, `${code} is missing from docs/api-errors.md`);
    // Cells, whatever the table's padding: | code | status | when |
    const cells = row.split('|').map((c) => c.trim());
    assert.equal(cells[2], String(status), `${code}: docs/api-errors.md does not give status ${status}`);
  }
});

test('the document lists no code that does not exist', () => {
  const documented = [...doc.matchAll(/`(API_ERR_[A-Z_]+)`/g)].map((m) => m[1]);
  for (const code of documented) assert.ok(code && code in apiErrors, `${code} is documented but not in errors.ts`);
});

test('codes are stable in form and statuses are client or server errors', () => {
  for (const [code, { status }] of Object.entries(apiErrors)) {
    assert.match(code, /^API_ERR_[A-Z_]+$/);
    assert.ok(status >= 400 && status < 600, code);
  }
});

test('ApiError carries the registered status; the body has code and message', () => {
  const error = new ApiError('API_ERR_OUT_OF_STOCK', undefined, { details: { productIds: [1] } });
  assert.equal(error.statusCode, 409);
  assert.deepEqual(errorBody(error.code, error.message, error.details), {
    error: {
      code: 'API_ERR_OUT_OF_STOCK',
      message: apiErrors.API_ERR_OUT_OF_STOCK.message,
      details: { productIds: [1] },
    },
  });
});
