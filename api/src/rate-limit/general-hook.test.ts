import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientKey } from './general-hook.ts';

test('a client is keyed by its IPv4 address or its IPv6 /64, as @fastify/rate-limit keys it', () => {
  const cases: [ip: string, key: string][] = [
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'], // IPv4 mapped into IPv6: the same client as its IPv4
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::'],
    ['2001:db8:1:2::9', '2001:db8:1:2::'], // the same /64: one bucket, however the host part rotates
    ['2001:db8:1:3::9', '2001:db8:1:3::'], // the next /64: another bucket
    ['2001:DB8:1:2::1', '2001:db8:1:2::'],
    ['::1', '::'],
  ];
  for (const [ip, key] of cases) assert.equal(clientKey(ip), key, ip);
});
