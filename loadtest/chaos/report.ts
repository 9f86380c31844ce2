// docs/reliability.md from the experiments' results (docs/reliability.json): the targets, one summary
// row per experiment, then each experiment's timeline, figures, accounting and shortfalls, with the
// causes found for them (causes.ts) and the log lines behind them.
import { knownCauses } from './causes.ts';
import type { ExperimentResult } from './run-experiment.ts';

// Three decimals below 1 %, so a rate just under the 0.1 % target does not print as 0.10 %.
const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 3 : 2)} %`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms = (x: number) => `${Math.round(x)} ms`;

/** The targets, as the issue states them; reported against, not asserted. */
export const targets = {
  errorRateOutside: 0.001,
};

/** Every way the result misses a target, one line each. */
export function shortfalls(r: ExperimentResult): string[] {
  const out: string[] = [];
  const l = r.load;
  const o = r.accounting.orders;
  const s = r.accounting.stock;
  const m = r.accounting.mails;
  if (l.errorRateOutside >= targets.errorRateOutside) {
    out.push(
      `${pct(l.errorRateOutside)} of requests failed outside the faulted dependency's own writes ` +
        `(${l.failedOutside} of ${l.requests}; target < 0.1 %)`,
    );
  }
  if (l.pastTimeout > 0)
    out.push(`${l.pastTimeout} request(s) got no answer within the ${r.options.timeoutMs} ms timeout`);
  if (!l.recovered) out.push(`success was not steady for 5 s before the load ended (recovery ${secs(l.recoveryMs)})`);
  if (o.lost) out.push(`${o.lost} order(s) answered 201 are not in the database`);
  if (o.mismatched) out.push(`${o.mismatched} order(s) differ from what the 201 answered`);
  if (o.duplicated) out.push(`${o.duplicated} order(s) too many (one checkout attempt, several orders)`);
  if (o.refusedButCommitted)
    out.push(
      `${o.refusedButCommitted} order(s) exist although the client was refused for good (a 4xx or a 5xx other than 503)`,
    );
  if (o.partial) out.push(`${o.partial} partial order(s) (no items, or a total that is not the sum of the lines)`);
  if (s.notConserved) out.push(`stock not conserved on ${s.notConserved} product(s)`);
  if (s.negative) out.push(`negative stock on ${s.negative} product(s)`);
  if (m.missing) out.push(`${m.missing} mail(s) never arrived within ${secs(r.options.drainMs)} after the load`);
  if (m.duplicated > m.duplicatedInWindow) {
    out.push(`${m.duplicated - m.duplicatedInWindow} mail(s) delivered twice outside the ledger's documented window`);
  }
  if (m.duplicatedInWindow) {
    out.push(
      `${m.duplicatedInWindow} mail(s) delivered twice inside the documented window (a dead attempt's claim taken over)`,
    );
  }
  if (m.failedJobs) out.push(`${m.failedJobs} job(s) failed for good`);
  if (r.skippedFlows) out.push(`${r.skippedFlows} checkout flow(s) not sent: every shopper was busy (generator limit)`);
  return out;
}

function summaryRow(r: ExperimentResult): string {
  const l = r.load;
  const a = r.accounting;
  const orders = `${a.orders.lost} / ${a.orders.duplicated + a.orders.refusedButCommitted + a.orders.partial}`;
  const mails = `${a.mails.missing} / ${a.mails.duplicated}`;
  const stock = a.stock.notConserved + a.stock.negative === 0 ? 'conserved' : 'NOT conserved';
  const verdict = shortfalls(r).length === 0 ? 'meets targets' : `${shortfalls(r).length} shortfall(s)`;
  return (
    `| [${r.name}](#${r.name}) | ${pct(l.errorRate)} | ${pct(l.errorRateOutside)} | ${ms(l.latencyMs.max)} | ` +
    `${l.pastTimeout} | ${secs(l.recoveryMs)} | ${orders} | ${mails} | ${stock} | ${verdict} |`
  );
}

function section(r: ExperimentResult): string {
  const l = r.load;
  const a = r.accounting;
  const o = r.options;
  const timeline = r.marks.map((m) => `${secs(m.at)} ${m.label}`).join('; ');
  const failures = Object.entries(l.failures)
    .sort((x, y) => y[1] - x[1])
    .map(([k, n]) => `${n}× \`${k}\``)
    .join(', ');
  const found = shortfalls(r);
  const causes = knownCauses[r.name] ?? [];
  const lines = [
    `### ${r.name}`,
    '',
    `**${r.title}.** ${r.fault}.`,
    '',
    `Reproduce: \`make chaos CHAOS_ONLY=${r.name}\` (or \`bash scripts/chaos/run.sh --only ${r.name}\`). ` +
      `Ran ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC for ${secs(r.durationMs)}: ${o.browseRate} browse/s + ` +
      `${o.checkoutRate} checkouts/s (2 requests each) over ${o.apis} API instances, fault length ${secs(o.faultMs)}, ` +
      `client timeout ${ms(o.timeoutMs)}; own writes of the faulted dependency: ${r.ownWrites === 'primary' ? 'cart and checkout writes' : 'none in this load'}.`,
    '',
    `Timeline (since the load started): ${timeline}.`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| requests | ${l.requests} (${l.failed} failed; ${l.failedBeforeFault} of them before the fault) |`,
    `| error rate, all | ${pct(l.errorRate)} |`,
    `| error rate outside own writes | ${pct(l.errorRateOutside)} (${l.failedOutside}) |`,
    `| own writes failed | ${l.ownWritesFailed} of ${l.ownWrites} |`,
    `| failures | ${failures || 'none'} |`,
    `| latency p50 / p99 / max | ${ms(l.latencyMs.p50)} / ${ms(l.latencyMs.p99)} / ${ms(l.latencyMs.max)} |`,
    `| past the timeout | ${l.pastTimeout} |`,
    `| recovery (first fault → last failure) | ${secs(l.recoveryMs)}${l.recovered ? '' : ' (not steady at the end)'} |`,
    `| orders: answered 201 / in the database | ${a.orders.acknowledged} / ${a.orders.inDatabase} |`,
    `| orders lost / mismatched / duplicated / refused but committed / partial | ${a.orders.lost} / ${a.orders.mismatched} / ${a.orders.duplicated} / ${a.orders.refusedButCommitted} / ${a.orders.partial} |`,
    `| orders committed while the client got no answer or a 503 (allowed: a retry with its Idempotency-Key returns it) | ${a.orders.committedUnanswered} |`,
    `| stock: units sold / products not conserved / negative | ${a.stock.unitsSold} / ${a.stock.notConserved} / ${a.stock.negative} |`,
    `| mails expected / delivered / missing / twice (in the window) | ${a.mails.expected} / ${a.mails.delivered} / ${a.mails.missing} / ${a.mails.duplicated} (${a.mails.duplicatedInWindow}) |`,
    `| jobs failed for good / outbox rows left | ${a.mails.failedJobs} / ${a.mails.outboxPending} |`,
    `| last mail after the load | ${secs(a.mails.drainMs)} |`,
    '',
  ];
  if (found.length) {
    lines.push('Shortfalls:', '', ...found.map((f) => `- ${f}`), '');
    if (causes.length) lines.push('Cause:', '', ...causes.map((c) => `- ${c}`), '');
  } else {
    lines.push('Meets every target.', '');
  }
  if (r.logs.length) {
    lines.push(
      '<details><summary>Warnings and errors the processes logged</summary>',
      '',
      '| process | level | count | message |',
      '| --- | --- | --- | --- |',
      ...r.logs.map((g) => `| ${g.process} | ${g.level} | ${g.count} | ${g.message.replace(/\|/g, '\\|')} |`),
      '',
      '</details>',
      '',
    );
  }
  return lines.join('\n');
}

export function reliabilityDoc(results: ExperimentResult[]): string {
  return `<!-- GENERATED by \`make chaos\` (loadtest/chaos.ts) from docs/reliability.json: do not edit by hand. -->
# Reliability: faults under load

\`make chaos\` starts a stack of its own (ports 27401+, data in \`.data/chaos\`; \`AVELON_PORT_BASE\` and
\`AVELON_DATA_DIR\` move it) and runs each experiment below in turn, about 9 minutes in all on 2 cores. Each one
starts two API instances, a worker and an SMTP sink on that stack, signs in its own shoppers, puts an
open-model load on the APIs (requests sent on schedule whatever the answers: anonymous browsing of the
catalogue, and shoppers adding a product to the cart and checking out with an \`Idempotency-Key\`),
injects one fault, and then counts, against what the load generator knows it sent and was answered:

- **error rate**: every answer other than the expected one (200, or 201 for a checkout), including no answer;
  also without the writes the faulted dependency itself has to take part in (cart and checkout writes when
  the primary or PgBouncer is faulted), which may fail cleanly with \`503 API_ERR_UNAVAILABLE\`;
- **worst latency** and **requests past the client's timeout** (5 s);
- **recovery**: from the first fault to the end of the last failed request; after it every request succeeded;
- **orders**: each checkout answered 201 exists once in the database with the items it was answered with; no
  order exists for a checkout refused for good (a 4xx), none without items or with a total that is not the
  sum of its lines. A checkout answered 503 or not at all may have committed (the connection died during
  COMMIT); that is counted apart and allowed, since a retry with its \`Idempotency-Key\` returns that order;
- **stock** of the run's products: stock + units sold = the stock they started with, never below zero;
- **mails**: every mail the run caused (each shopper's sign-in code, each order's confirmation) reached the
  SMTP sink exactly once (by its Message-ID, derived from the job), waiting up to 90 s after the load.

Targets (reported, not asserted): < 0.1 % errors outside the faulted dependency's own writes, no request
past its timeout, zero lost or duplicated orders, jobs or mails, no oversold stock. The integration test
\`test/chaos/redis-cache-kill.test.ts\` runs the cache experiment at a low rate in \`make test\` and asserts the
accounting.

Reproduce everything: \`make chaos\`; one experiment: \`make chaos CHAOS_ONLY=<name>\`. The killing of the
operator's leader and the deletion of pods under load run on the Kubernetes node (\`test/cluster/\`,
\`test/operator/\`), not here.

| experiment | errors | errors outside own writes | worst latency | past timeout | recovery | orders lost / extra | mails missing / twice | stock | verdict |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${results.map(summaryRow).join('\n')}

## Found by these experiments, and fixed

- **An API process crashed when a database connection died inside a transaction** (primary or PgBouncer
  restarting, a connection reset): pg emits \`error\` on a checked-out client, where pg-pool does not listen.
  Half of the API was gone until restarted. Now every pooled client has a listener; the statement fails and
  the request gets 503 (core/src/db/pools.ts; test/core/connection-loss.test.ts).
- **A checkout cut off mid-transaction answered 500**: Drizzle's ROLLBACK on the dead connection fails with
  pg's "not queryable", which was not recognised as an outage. Now it is a 503 (api/src/plugins/unavailable.ts,
  core/src/db/pools.ts; same test).
- **Writes failed for 15 s after the primary was back**: PgBouncer refuses new logins for
  \`server_login_retry\` (15 s by default) after one failed login to the server. Now 1 s (scripts/stack/pgbouncer.sh,
  images/pgbouncer/entrypoint.sh, the chart's pgbouncer.ini).
- **Catalogue reads failed while PgBouncer or the primary was down**: after a checkout, cache refills read
  with read-your-writes and so went to the primary. Now such a read that cannot reach the primary is served by
  the freshest replica (core/src/db/database-router.ts; test/core/primary-unreachable-read.test.ts).
- **A cache Redis restart signed every shopper out** (redis-cache-kill: 7.35 % errors, 72× 401 after the
  restart, 65× 503 during it): sessions lived in the cache Redis, which keeps nothing on disk and evicts. Now
  sessions and their revocation broadcast live in the queue Redis (\`noeviction\` + AOF), over a connection,
  circuit breaker and subscriber of their own: 0 errors in that experiment. The session 503s of an outage now
  come with a queue Redis restart instead (api/src/plugins/services/session-store.ts,
  api/src/auth/sessions.ts; test/api/session-faults.test.ts).

Seen and by design: after a worker is SIGKILLed its in-flight jobs are run again only when their lock expires
and a worker's stalled check finds them (\`WORKER_LOCK_DURATION_MS\` and \`WORKER_STALLED_INTERVAL_MS\`, 30 s
each), so the worker experiment's last mails arrive about 45 s after the load; none is lost or sent twice.

## Experiments

${results.map(section).join('\n')}`;
}
