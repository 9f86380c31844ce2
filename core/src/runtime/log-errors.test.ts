import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeError } from './log-errors.ts';

test('a failed query keeps its SQL and code but loses its parameters, detail and any email', () => {
  const pgError = Object.assign(new Error('duplicate key value violates unique constraint "users_email_unique"'), {
    code: '23505',
    constraint: 'users_email_unique',
    detail: 'Key (email)=(ada@example.com) already exists.',
  });
  const failed = Object.assign(
    new Error('Failed query: insert into "users" ("email") values ($1)\nparams: ada@example.com', { cause: pgError }),
    { query: 'insert into "users" ("email") values ($1)', params: ['ada@example.com'] },
  );
  const out = serializeError(failed);
  const text = JSON.stringify(out);
  assert.ok(!text.includes('ada@example.com'), text);
  assert.match(text, /insert into \\"users\\"/);
  assert.match(text, /23505/);
  assert.match(text, /users_email_unique/);
});

test('an email quoted in a plain message is masked', () => {
  const out = serializeError(new Error('invalid input syntax for type integer: "bob@example.org"'));
  assert.deepEqual((out as { message: string }).message, 'invalid input syntax for type integer: "[email]"');
});
