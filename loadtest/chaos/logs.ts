// The evidence behind an experiment's failures: the warnings and errors its API and worker processes
// logged (pino JSON lines in the stack's logs/chaos-<experiment>-*.log), grouped by message and error.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StackEnv } from './stack-env.ts';

export type LogSummary = Array<{ process: string; level: string; message: string; count: number }>;

const levels: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' };

/** The first line of an error message, or of the SQL of a failed query, in at most 90 characters. */
function brief(message: string): string {
  return message
    .replace(/^Failed query:\s*/, 'Failed query: ')
    .replace(/\s+/g, ' ')
    .slice(0, 90);
}

/** The most frequent warn+ lines of each of the experiment's processes (top 6 each). */
export async function summarizeLogs(stack: StackEnv, experiment: string): Promise<LogSummary> {
  const dir = join(stack.AVELON_DATA_DIR, 'logs');
  const prefix = `chaos-${experiment}-`;
  const files = (await readdir(dir)).filter((f) => f.startsWith(prefix) && f.endsWith('.log'));
  const out: LogSummary = [];
  for (const file of files.sort()) {
    const proc = file.slice(prefix.length, -'.log'.length);
    const groups = new Map<string, { level: string; message: string; count: number }>();
    for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
      if (!line.startsWith('{')) continue;
      let entry: { level?: number; msg?: string; err?: { code?: string; message?: string; type?: string } };
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      const level = levels[entry.level ?? 0];
      if (!level) continue;
      const err = entry.err ? ` (${entry.err.code ?? entry.err.type ?? ''}: ${brief(entry.err.message ?? '')})` : '';
      // Ids and numbers differ line by line; without them, lines of one cause group together.
      const message = `${entry.msg ?? ''}${err}`.replace(/\d+/g, '#');
      const key = `${level}|${message}`;
      const g = groups.get(key) ?? { level, message, count: 0 };
      g.count++;
      groups.set(key, g);
    }
    const top = [...groups.values()].sort((a, b) => b.count - a.count).slice(0, 6);
    out.push(...top.map((g) => ({ process: proc, ...g })));
  }
  return out;
}
