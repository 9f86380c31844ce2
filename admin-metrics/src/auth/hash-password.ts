// Prints the scrypt hash of a password for ADMIN_PASSWORD_HASH (a Kubernetes Secret, a .env):
//   node admin-metrics/src/auth/hash-password.ts 'the password'      (or on stdin)
import { text } from 'node:stream/consumers';
import { hashPassword } from './password.ts';

const password = process.argv[2] ?? (await text(process.stdin)).replace(/\r?\n$/, '');
if (!password) {
  console.error('usage: node admin-metrics/src/auth/hash-password.ts PASSWORD (or the password on stdin)');
  process.exit(2);
}
console.log(await hashPassword(password));
