// An admin's access token through the real sign-in flow: POST /auth/otp, the code read from the job the
// API enqueued for the mailer (the stack's queue Redis), POST /auth/verify. No test-only token path.
import { queueNames, queueProducerConnection } from '@avelon/core';
import { Queue } from 'bullmq';

async function post(url: string, body: object): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function lastCode(queueRedisUrl: string, prefix: string, email: string): Promise<string | undefined> {
  const connection = queueProducerConnection(queueRedisUrl, 'loadtest');
  const queue = new Queue(queueNames.emails, { connection, prefix });
  try {
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'prioritized']);
    const mine = jobs.filter((j) => j?.name === 'otp-code' && j.data.email === email);
    mine.sort((a, b) => b.timestamp - a.timestamp);
    return mine[0]?.data.code as string | undefined;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

export async function adminToken(
  baseUrl: string,
  options: { email: string; queueRedisUrl: string; queuePrefix: string },
): Promise<string> {
  const otp = await post(`${baseUrl}/api/v1/auth/otp`, { email: options.email });
  if (otp.status !== 202) throw new Error(`POST /auth/otp: ${otp.status} ${await otp.text()}`);
  const code = await lastCode(options.queueRedisUrl, options.queuePrefix, options.email);
  if (!code) throw new Error(`no one-time code for ${options.email} in the queue at ${options.queueRedisUrl}`);
  const verify = await post(`${baseUrl}/api/v1/auth/verify`, { email: options.email, code });
  if (verify.status !== 200) throw new Error(`POST /auth/verify: ${verify.status} ${await verify.text()}`);
  return ((await verify.json()) as { accessToken: string }).accessToken;
}
