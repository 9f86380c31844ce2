import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, isPasswordHash, samePlain, verifyPassword } from './password.ts';
import { issueSession, readSession } from './session.ts';

const secret = 'x'.repeat(40);

test('a scrypt hash verifies its password only', async () => {
  const hash = await hashPassword('correct horse');
  assert.ok(isPasswordHash(hash));
  assert.equal(await verifyPassword('correct horse', hash), true);
  assert.equal(await verifyPassword('correct hors', hash), false);
  assert.notEqual(hash, await hashPassword('correct horse'), 'salted');
  assert.equal(await verifyPassword('x', 'not-a-hash'), false);
});

test('plain comparison: equal only when equal', () => {
  assert.equal(samePlain('admin', 'admin'), true);
  assert.equal(samePlain('admin', 'admin2'), false);
  assert.equal(samePlain('', 'admin'), false);
});

test('session cookies: valid until expiry, never when tampered or signed with another secret', () => {
  const now = Date.now();
  const v = issueSession(secret, 'admin', 60, now);
  assert.equal(readSession(secret, v, now), 'admin');
  assert.equal(readSession(secret, v, now + 61_000), undefined, 'expired');
  assert.equal(readSession('y'.repeat(40), v, now), undefined, 'other secret');
  const [user, expiry, sig] = v.split('.');
  assert.equal(readSession(secret, `${user}.${Number(expiry) + 3600}.${sig}`, now), undefined, 'longer expiry forged');
  assert.equal(readSession(secret, `${Buffer.from('root').toString('base64url')}.${expiry}.${sig}`, now), undefined);
  assert.equal(readSession(secret, undefined, now), undefined);
  assert.equal(readSession(secret, 'garbage', now), undefined);
});
