import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentJobError } from '../errors.ts';
import { messageIdFor } from './message-id.ts';
import { classifySmtpError } from './smtp-mailer.ts';

// Each case: an error as nodemailer reports it, and whether the job must fail for good.
const cases: Array<[string, object, boolean]> = [
  ['550 mailbox unavailable (nodemailer marks it permanent)', { responseCode: 550, permanent: true }, true],
  ['554 without the permanent flag (older transports)', { responseCode: 554 }, true],
  ['451 try again later', { responseCode: 451, permanent: false }, false],
  ['503 bad sequence: a new connection may succeed', { responseCode: 503, permanent: false }, false],
  ['connection refused', { code: 'ECONNECTION' }, false],
  ['timeout', { code: 'ETIMEDOUT' }, false],
];
for (const [what, fields, permanent] of cases) {
  test(`classifies ${what}`, () => {
    const error = Object.assign(new Error(what), fields);
    const out = classifySmtpError(error);
    assert.equal(out instanceof PermanentJobError, permanent);
    if (!permanent) assert.equal(out, error);
    else assert.equal((out as Error).cause, error);
  });
}

test('the Message-ID is the same for the same job and differs between jobs', () => {
  const a = messageIdFor('order-confirmation', 'order-1', 'x.test');
  assert.equal(a, messageIdFor('order-confirmation', 'order-1', 'x.test'));
  assert.notEqual(a, messageIdFor('order-shipped', 'order-1', 'x.test'));
  assert.notEqual(a, messageIdFor('order-confirmation', 'order-2', 'x.test'));
  assert.doesNotMatch(messageIdFor('otp-code', 'a@b.test:123456', 'x.test'), /a@b|123456/);
});
