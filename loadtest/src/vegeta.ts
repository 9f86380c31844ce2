// Runs vegeta (.tools/bin, `make tools`) and reads its report. Open model by default: `rate` requests a
// second are sent on schedule whether or not earlier ones were answered, so a slow server shows as latency
// (and as a lower achieved rate), not as fewer requests. `rate: 0` is the closed-loop "as fast as
// `workers` connections go" mode used for saturation throughput. The generator's own CPU is measured
// (bash `times` of the attack process) and reported beside every result.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TimedResult } from './phases.ts';

export interface AttackOptions {
  /** Targets in vegeta's http format (see vegetaTargets). */
  targets: string;
  /** Requests per second; 0 = as fast as `workers` allow (closed loop). */
  rate: number;
  durationSeconds: number;
  /** Connections/workers: the fixed count when rate is 0, the ceiling otherwise. */
  workers?: number;
  timeoutSeconds?: number;
  /** Also return every request (send time, latency, status), without bodies: for phases and windows. */
  keepResults?: boolean;
}

export interface AttackResult {
  requests: number;
  /** Successful responses a second over the attack (vegeta's throughput). */
  throughput: number;
  /** Requests a second actually sent. */
  rate: number;
  success: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  statusCodes: Record<string, number>;
  errors: string[];
  /** The generator's CPU in cores (1.0 = one core busy) over the attack. */
  generatorCpu: number;
  /** Every request, when asked for with `keepResults`. */
  results?: TimedResult[];
}

interface VegetaReport {
  latencies: Record<'50th' | '90th' | '95th' | '99th' | 'max', number>;
  requests: number;
  rate: number;
  throughput: number;
  success: number;
  status_codes: Record<string, number> | null;
  errors: string[] | null;
}

const ms = (ns: number) => ns / 1e6;

async function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}`);
  return { stdout, stderr };
}

/** "1m2.5s" (bash `times`) → seconds. */
export function parseBashTime(s: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(s.trim());
  if (!m) throw new Error(`not a bash time: ${s}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** User + system CPU seconds of the children, from the last line of bash `times`. */
export function childCpuSeconds(timesOutput: string): number {
  const last = timesOutput.trim().split('\n').at(-1) ?? '';
  const [user, sys] = last.trim().split(/\s+/);
  return parseBashTime(user ?? '') + parseBashTime(sys ?? '');
}

/**
 * Runs `command` under bash and returns its output, the wall seconds and the CPU seconds it used (bash's
 * `times` counts the waited-for child: the generator alone, not this process).
 */
export async function timed(command: string[]): Promise<{ wall: number; cpu: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'avelon-timed-'));
  try {
    const out = join(dir, 'out');
    const started = performance.now();
    const { stderr } = await run(
      'bash',
      [
        '-c',
        '"$@" >"$TIMED_OUT" 2>&1; rc=$?; times >&2; [ $rc = 0 ] || cat "$TIMED_OUT" >&2; exit $rc',
        'timed',
        ...command,
      ],
      { TIMED_OUT: out },
    );
    return {
      wall: (performance.now() - started) / 1000,
      cpu: childCpuSeconds(stderr),
      output: readFileSync(out, 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Rows of `vegeta encode -to=csv` → results. The first three columns (timestamp in Unix ns, status,
 * latency in ns) are never quoted; the rest (error text, body, URL) is not needed here.
 */
export function parseResultsCsv(csv: string): TimedResult[] {
  const out: TimedResult[] = [];
  for (const line of csv.split('\n')) {
    const [ts, code, latency] = line.split(',', 3);
    if (!ts || code === undefined || latency === undefined) continue;
    out.push({ at: Number(BigInt(ts) / 1000n) / 1000, code: Number(code), latencyMs: Number(latency) / 1e6 });
  }
  return out;
}

export async function attack(o: AttackOptions): Promise<AttackResult> {
  const dir = mkdtempSync(join(tmpdir(), 'avelon-vegeta-'));
  try {
    const targetsFile = join(dir, 'targets.http');
    const resultsFile = join(dir, 'results.bin');
    writeFileSync(targetsFile, o.targets);
    const workers = o.workers ?? 50;
    const args = [
      'attack',
      `-targets=${targetsFile}`,
      `-output=${resultsFile}`,
      `-duration=${o.durationSeconds}s`,
      `-timeout=${o.timeoutSeconds ?? 10}s`,
      `-rate=${o.rate}`,
      ...(o.rate === 0 ? [`-max-workers=${workers}`, `-workers=${workers}`] : [`-max-workers=${workers}`]),
      // Bodies are never read here; with keepResults they would make the results file huge.
      ...(o.keepResults ? ['-max-body=0'] : []),
    ];
    const { wall, cpu } = await timed(['vegeta', ...args]);
    const { stdout } = await run('vegeta', ['report', '-type=json', resultsFile]);
    const r = JSON.parse(stdout) as VegetaReport;
    const results = o.keepResults
      ? parseResultsCsv((await run('vegeta', ['encode', '-to=csv', resultsFile])).stdout)
      : undefined;
    return {
      requests: r.requests,
      throughput: r.throughput,
      rate: r.rate,
      success: r.success,
      p50: ms(r.latencies['50th']),
      p90: ms(r.latencies['90th']),
      p95: ms(r.latencies['95th']),
      p99: ms(r.latencies['99th']),
      max: ms(r.latencies.max),
      statusCodes: r.status_codes ?? {},
      errors: r.errors ?? [],
      generatorCpu: cpu / wall,
      ...(results ? { results } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
