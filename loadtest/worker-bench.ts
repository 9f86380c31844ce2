// The worker benchmark (`make bench` → scripts/bench/worker.sh): jobs per second of 1 and of 2 worker
// processes (`node worker/src/main.ts`, default config) delivering order confirmations into the real SMTP
// sink (its own process), in one run. For each process count: start the workers on a paused queue of
// their own, enqueue the jobs, resume, and time until every job is completed; then check the sink got
// each mail exactly once. Writes the "## Worker" section of docs/benchmarks.md.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { envInt, JobProducer, loadConfig, queueProducerConnection, redisConfigShape } from '@avelon/core';
import { Queue } from 'bullmq';
import { z } from 'zod';
import { freePort } from './src/processes.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = loadConfig(
  {
    REDIS_QUEUE_URL: redisConfigShape.REDIS_QUEUE_URL,
    BENCH_JOBS: envInt(4000, 100).describe('Jobs per measured run.'),
    BENCH_PROCESSES: z.string().default('1,2').describe('Worker process counts to compare, in order.'),
    BENCH_ROUNDS: envInt(2, 1, 10).describe('Rounds of every count, interleaved; the best round is reported.'),
    BENCH_LOG_LEVEL: z.string().default('info').describe('Worker log level (info: one line per job, as deployed).'),
    BENCH_DOC: z.string().default(join(root, 'docs/benchmarks.md')).describe('Where the results go.'),
    BENCH_WORKER_JSON: z
      .string()
      .default(join(root, 'docs/benchmarks-worker.json'))
      .describe('The same run as JSON (every round and the medians).'),
  },
  process.env,
);
const processCounts = config.BENCH_PROCESSES.split(',').map(Number);

// Every process this bench starts; killed if the bench itself fails or is interrupted.
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
process.on('SIGINT', () => process.exit(130));

/** Starts `script` with its HTTP port (PORT for the mail sink, OPS_PORT for a worker) and waits for `ready`. */
async function startProcess(
  script: string,
  env: Record<string, string>,
  port: number,
  ready: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      REDIS_QUEUE_URL: config.REDIS_QUEUE_URL,
      PORT: String(port),
      OPS_PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    if (
      await fetch(`http://127.0.0.1:${port}${ready}`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
    await sleep(100);
  }
  throw new Error(`${script} did not become ready on ${port}${ready}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const sinkStats = async (port: number) =>
  (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as { accepted: number };

interface Run {
  processes: number;
  seconds: number;
  jobsPerSecond: number;
  /** The machine's 1-minute load average when the run started: other work on the same cores. */
  load: number;
}

async function measure(processes: number, smtpPort: number, sinkHttp: number): Promise<Run> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const connection = queueProducerConnection(config.REDIS_QUEUE_URL, 'bench');
  connection.on('error', (error) => console.error(`bench: queue redis: ${error.message}`));
  const producer = new JobProducer({
    connection,
    config: { QUEUE_PREFIX: prefix, QUEUE_JOB_ATTEMPTS: 3, QUEUE_BACKOFF_MS: 500, QUEUE_ENQUEUE_TIMEOUT_MS: 10_000 },
  });
  const queue = new Queue('emails', { connection, prefix });
  const env = {
    QUEUE_PREFIX: prefix,
    SMTP_PORT: String(smtpPort),
    WORKER_QUEUES: 'emails',
    // The bench measures the queue alone; a relay would drain the shared outbox into the bench prefix.
    WORKER_OUTBOX_RELAY: 'false',
    LOG_LEVEL: config.BENCH_LOG_LEVEL,
    WORKER_KEEP_COMPLETED_COUNT: String(config.BENCH_JOBS * 2),
  };
  const workers: ChildProcess[] = [];
  try {
    for (let i = 0; i < processes; i++)
      workers.push(await startProcess('worker/src/main.ts', env, await freePort(), '/readyz'));
    // Warm-up: SMTP pools and JIT, not measured.
    await enqueue(producer, 0, 200);
    await waitCompleted(queue, 200);
    await queue.pause();
    await enqueue(producer, 200, config.BENCH_JOBS);
    const before = (await sinkStats(sinkHttp)).accepted;
    const load = loadavg()[0] ?? 0;
    const started = performance.now();
    await queue.resume();
    await waitCompleted(queue, 200 + config.BENCH_JOBS);
    const seconds = (performance.now() - started) / 1000;
    const delivered = (await sinkStats(sinkHttp)).accepted - before;
    const failed = (await queue.getJobCounts('failed')).failed ?? 0;
    if (delivered !== config.BENCH_JOBS || failed) {
      throw new Error(`expected ${config.BENCH_JOBS} mails, the sink got ${delivered}; ${failed} jobs failed`);
    }
    return { processes, seconds, jobsPerSecond: config.BENCH_JOBS / seconds, load };
  } finally {
    await Promise.all(workers.map(stop));
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    await producer.close();
    connection.disconnect();
  }
}

async function enqueue(producer: JobProducer, from: number, count: number): Promise<void> {
  for (let start = from; start < from + count; start += 500) {
    const ids = Array.from({ length: Math.min(500, from + count - start) }, (_, i) => start + i + 1);
    await Promise.all(
      ids.map((orderId) =>
        producer.enqueue('order-confirmation', {
          orderId,
          orderNumber: 100_000 + orderId,
          userId: 1,
          email: `b${orderId}@bench.test`,
        }),
      ),
    );
  }
}

async function waitCompleted(queue: Queue, count: number): Promise<void> {
  while (((await queue.getJobCounts('completed')).completed ?? 0) < count) await sleep(20);
}

const smtpPort = await freePort();
const sinkHttp = await freePort();
const sink = await startProcess('scripts/mail-sink/main.ts', { SMTP_PORT: String(smtpPort) }, sinkHttp, '/health');
const runs: Run[] = [];
try {
  for (let round = 1; round <= config.BENCH_ROUNDS; round++) {
    for (const n of processCounts) {
      const run = await measure(n, smtpPort, sinkHttp);
      console.log(
        `round ${round}, ${n} process(es): ${run.jobsPerSecond.toFixed(0)} jobs/s (${run.seconds.toFixed(2)} s, load ${run.load.toFixed(1)})`,
      );
      runs.push(run);
    }
  }
} finally {
  await stop(sink);
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const summary = processCounts.map((n) => {
  const mine = runs.filter((r) => r.processes === n);
  return {
    processes: n,
    median: median(mine.map((r) => r.jobsPerSecond)),
    best: Math.max(...mine.map((r) => r.jobsPerSecond)),
    all: mine.map((r) => `${r.jobsPerSecond.toFixed(0)} (${r.load.toFixed(1)})`).join(', '),
  };
});
const base = summary[0] ?? { median: 1, best: 1 };
const rows = summary
  .map(
    (r) =>
      `| ${r.processes} | ${r.median.toFixed(0)} | ${(r.median / r.processes).toFixed(0)} | ${(r.median / base.median).toFixed(2)}× | ${r.best.toFixed(0)} | ${(r.best / base.best).toFixed(2)}× | ${r.all} |`,
  )
  .join('\n');
const cores = availableParallelism();
const section = `## Worker

Command: \`make bench\` (or \`bash scripts/bench/worker.sh\`); run ${new Date().toISOString().slice(0, 10)} on ${cores} shared
cores, Node ${process.versions.node}. \`loadtest/worker-bench.ts\` starts the SMTP sink (\`scripts/mail-sink\`, its own
process) and N worker processes (\`node worker/src/main.ts\`, default config: emails concurrency 16, 5 pooled SMTP
connections, log level ${config.BENCH_LOG_LEVEL}) on a queue of their own in the stack's queue Redis, enqueues
${config.BENCH_JOBS} order confirmations on the paused queue (after a 200-job warm-up), resumes it and times until all are
completed. Each job is the full path: schema check, ledger claim, template, SMTP send, ledger record,
completion; a run fails unless the sink got exactly ${config.BENCH_JOBS} new mails and no job failed.
${config.BENCH_ROUNDS} interleaved rounds: the median and the best, and every round with the machine's 1-minute load
average when it started (other work on the same cores).

| worker processes | jobs/s (median) | per process | vs 1 process | jobs/s (best) | vs 1 process (best) | every round: jobs/s (load) |
|---|---|---|---|---|---|---|
${rows}

One worker process is CPU-bound (a CPU profile shows it about 85% busy, mostly socket writes to the SMTP
server and Redis and nodemailer's MIME building), and Redis, the sink, the driver and the workers share the
same ${cores} cores with whatever else runs there (the load figures), so a second process gains only the CPU the
first leaves idle: the ratio here is a floor set by this machine, not by the design (workers share nothing but
Redis). On separate nodes throughput grows with replicas until Redis or the SMTP relay saturates; the operator
sizes workers from the per-process rate measured in production (\`avelon_queue_jobs_completed_total\`).
`;
console.log(`\n${section}`);

let doc = '';
try {
  doc = readFileSync(config.BENCH_DOC, 'utf8');
} catch {
  doc = '# Benchmarks\n\nResults of `make bench`, one section per benchmark.\n';
}
// Replace only the "## Worker" section (up to the next "## " heading); other sections are other teams'.
const at = doc.indexOf('\n## Worker\n');
if (at >= 0) {
  const next = doc.indexOf('\n## ', at + 1);
  doc = `${doc.slice(0, at + 1)}${section}${next >= 0 ? doc.slice(next) : ''}`;
} else {
  doc = `${doc.trimEnd()}\n\n${section}`;
}
writeFileSync(config.BENCH_DOC, doc);
writeFileSync(
  config.BENCH_WORKER_JSON,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      cores,
      settings: { jobs: config.BENCH_JOBS, rounds: config.BENCH_ROUNDS, logLevel: config.BENCH_LOG_LEVEL },
      runs,
      summary: summary.map(({ processes, median, best }) => ({ processes, jobsPerSecondMedian: median, best })),
    },
    null,
    2,
  )}\n`,
);
console.log(`written to ${config.BENCH_DOC} and ${config.BENCH_WORKER_JSON}`);
