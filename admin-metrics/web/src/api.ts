import type { Overview, RangeName } from './types.ts';

/** Thrown when the server says the session is missing or over. */
export class Unauthenticated extends Error {}

async function json<T>(res: Response): Promise<T> {
  if (res.status === 401) throw new Unauthenticated();
  if (!res.ok)
    throw new Error(((await res.json().catch(() => ({}))) as { message?: string }).message ?? `HTTP ${res.status}`);
  return (await res.json()) as T;
}

export const session = () => fetch('/api/session').then((r) => json<{ user: string }>(r));

/** Logs in; the error's message is what to show (wrong password, too many attempts). */
export async function login(user: string, password: string): Promise<void> {
  const res = await fetch('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  if (!res.ok)
    throw new Error(((await res.json().catch(() => ({}))) as { message?: string }).message ?? 'Login failed');
}

export const logout = () => fetch('/api/logout', { method: 'POST' });

export const overview = (range: RangeName) => fetch(`/api/overview?range=${range}`).then((r) => json<Overview>(r));
