// The operator's reaction benchmark (`make bench` → scripts/bench/operator.sh): from a burst of jobs in a
// queue to the operator's decision to raise that queue's worker floor (HPA minReplicas). The bench has no
// cluster, so the operator runs as `make up` runs it: `--standalone --dry-run`, the same PolicyRunner and
// decision function as in a cluster, reading the queue straight from Redis (metrics.queueSource bullmq),
// with a virtual HPA; what is timed is burst → decision visible on its GET /decisions, not a patched HPA
// (the apiserver's PATCH would come after that). No worker consumes the queue, so the backlog stays.
// Writes the "## Operator" section of docs/benchmarks.md and docs/benchmarks-operator.json.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type DecisionsResponse, JobProducer, queueProducerConnection } from '@avelon/core';
import { Queue } from 'bullmq';
import { writeSection } from './src/doc-section.ts';
import { freePort, startPolled } from './src/processes.ts';
import { median, span } from './src/stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const rounds = env('BENCH_ROUNDS', 3);
const burst = env('BENCH_OPERATOR_BURST', 2000);
const interval = env('BENCH_OPERATOR_INTERVAL', 2);
const docFile = process.env.BENCH_DOC ?? join(root, 'docs/benchmarks.md');
const jsonFile = process.env.BENCH_OPERATOR_JSON ?? join(root, 'docs/benchmarks-operator.json');
const queueUrl = String(process.env.REDIS_QUEUE_URL);
const prefix = `bench-op-${randomUUID().slice(0, 8)}`;
const hpa = 'avelon-worker-emails';

// The shipped standalone policy's emails entry and interval, without the API and cache parts (no API here).
const policyFile = join(tmpdir(), `avelon-operator-bench-${process.pid}.yaml`);
writeFileSync(
  policyFile,
  `apiVersion: autoscaling.avelon.io/v1alpha1
kind: ScalingPolicy
metadata: { name: bench }
spec:
  evaluationIntervalSeconds: ${interval}
  workers:
    - { queue: emails, hpa: ${hpa}, maxWaitSeconds: 30, replicas: { min: 1, max: 20 } }
  metrics: { source: scrape, queueSource: bullmq, windowSeconds: 30, staleAfterSeconds: 10 }
`,
);

const connection = queueProducerConnection(queueUrl, 'bench-operator');
const producer = new JobProducer({
  connection,
  config: { QUEUE_PREFIX: prefix, QUEUE_JOB_ATTEMPTS: 1, QUEUE_BACKOFF_MS: 500, QUEUE_ENQUEUE_TIMEOUT_MS: 10_000 },
});
const queue = new Queue('emails', { connection, prefix });
let nextOrder = 1;
const enqueue = async (count: number) => {
  const ids = Array.from({ length: count }, () => nextOrder++);
  for (let i = 0; i < ids.length; i += 500)
    await Promise.all(
      ids.slice(i, i + 500).map((orderId) =>
        producer.enqueue('order-confirmation', {
          orderId,
          orderNumber: orderId,
          userId: 1,
          email: `o${orderId}@bench.test`,
        }),
      ),
    );
};
// The operator reports a queue without keys as missing (a misspelt name): the queue exists, empty, first.
await enqueue(1);
await queue.drain(true);

const port = await freePort();
const ops = `http://127.0.0.1:${port}`;
/** A fresh operator per round: its virtual HPA at the floor's minimum and no memory of the last burst. */
const startOperator = () =>
  startPolled(
    'operator',
    'operator/src/main.ts',
    ['--standalone', '--dry-run'],
    { OPS_PORT: String(port), OPERATOR_POLICY_FILE: policyFile, QUEUE_PREFIX: prefix },
    root,
    `${ops}/livez`,
  );
const decisions = async (since: number) =>
  (await (await fetch(`${ops}/decisions?since=${since}`)).json()) as DecisionsResponse;

interface Reaction {
  /** ms from the first job of the burst to the decision's evaluation, and to it being visible. */
  toDecisionMs: number;
  toVisibleMs: number;
  burstMs: number;
  from: number;
  to: number;
  reason: string;
}
const reactions: Reaction[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    const operator = await startOperator();
    await sleep(interval * 2000 + 500); // two evaluations of the empty queue: its rates have a previous reading
    const since = (await decisions(0)).latestSeq;
    // Bursts land at different points of the evaluation cycle: the reaction includes the wait for the next one.
    await sleep(((round * 0.37) % 1) * interval * 1000);
    const t0 = Date.now();
    await enqueue(burst);
    const burstMs = Date.now() - t0;
    let found: DecisionsResponse['decisions'][number] | undefined;
    while (!found && Date.now() - t0 < 30_000) {
      found = (await decisions(since)).decisions.find(
        (d) => d.hpa === hpa && d.kind === 'minReplicas' && d.to > d.from,
      );
      if (!found) await sleep(20);
    }
    await operator.stop();
    await queue.drain(true);
    if (!found) throw new Error(`round ${round}: no floor decision within 30 s of the burst`);
    const r = {
      toDecisionMs: Date.parse(found.time) - t0,
      toVisibleMs: Date.now() - t0,
      burstMs,
      from: found.from,
      to: found.to,
      reason: found.reason,
    };
    reactions.push(r);
    console.log(
      `round ${round}: ${burst} jobs in ${burstMs} ms → floor ${r.from}→${r.to} decided after ${r.toDecisionMs} ms, seen after ${r.toVisibleMs} ms`,
    );
  }
} finally {
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  await producer.close();
  connection.disconnect();
}

const section = `## Operator

Command: \`make bench  # AVELON_BENCHES=operator for this section only\` (scripts/bench/operator.sh →
loadtest/operator-bench.ts). Run on ${new Date().toISOString().slice(0, 10)}, 2 shared cores, load average at the end ${loadavg()
  .map((l) => l.toFixed(1))
  .join(', ')}.

**Reaction from a queue burst to the worker floor decision.** The bench has no cluster, so there is no HPA to
patch: the operator runs as \`make up\` runs it (\`node operator/src/main.ts --standalone --dry-run\`, the same
PolicyRunner and decision function as in a cluster, a virtual HPA starting at the floor's minimum), with a policy
for the \`emails\` queue only (maxWait 30 s, floor 1–20, evaluation every ${interval} s, queue read from Redis). Each of
${rounds} rounds enqueues ${burst} order confirmations (no worker consumes them) on a freshly started operator that has seen the queue empty twice, at a
different point of its evaluation cycle each round, and polls \`GET /decisions\` every 20 ms. Measured from the first job of the burst: to the
evaluation that decided to raise \`minReplicas\` (when that evaluation started reading: it can fall inside the burst) and to the decision being visible. In a
cluster the HPA PATCH to the apiserver follows the decision (one request; the HPA then adds pods on its next sync,
15 s by default in kube-controller-manager), which this bench does not measure.

| | median (min–max) |
|---|---|
| burst enqueued in (ms) | ${span(
  reactions.map((r) => r.burstMs),
  0,
)} |
| burst → floor decision (ms) | ${span(
  reactions.map((r) => r.toDecisionMs),
  0,
)} |
| burst → decision visible on /decisions (ms) | ${span(
  reactions.map((r) => r.toVisibleMs),
  0,
)} |
| floor decided | ${reactions.map((r) => `${r.from}→${r.to}`).join(', ')} |

The reaction is bounded by the evaluation interval (${interval} s): a burst that lands just after an evaluation waits
for the next one. Decision reason (last round): ${reactions.at(-1)?.reason ?? '–'}.
`;
console.log(`\n${section}`);
writeSection(docFile, 'Operator', section);
writeFileSync(
  jsonFile,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      settings: { rounds, burst, evaluationIntervalSeconds: interval, mode: 'standalone --dry-run' },
      reactions,
      summary: {
        toDecisionMsMedian: median(reactions.map((r) => r.toDecisionMs)),
        toVisibleMsMedian: median(reactions.map((r) => r.toVisibleMs)),
      },
    },
    null,
    2,
  )}\n`,
);
console.log(`written to ${docFile} and ${jsonFile}`);
