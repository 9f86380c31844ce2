import { type DecisionRecord, type DecisionsResponse, operatorDecisionsPath, type PolicyTargets } from '@avelon/core';

/**
 * Follows the operator's own decision record (`GET /decisions?since=N`), so every change it made is
 * shown with its reason and inputs, none inferred from metric changes and none lost between polls
 * (the operator keeps the last 500). An operator restart (sequence going back) starts over.
 */
export class DecisionFeed {
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #keep: number;
  #since = 0;
  #decisions: DecisionRecord[] = [];
  policies: PolicyTargets[] = [];
  state: 'up' | 'unreachable' | 'unconfigured';
  error?: string;
  lastOk?: number;

  constructor(operatorUrl: string, timeoutMs: number, keep = 1000) {
    this.#url = operatorUrl.replace(/\/$/, '');
    this.#timeoutMs = timeoutMs;
    this.#keep = keep;
    this.state = operatorUrl ? 'up' : 'unconfigured';
  }

  /** Polls once; returns the decisions that are new. */
  async poll(now: number): Promise<DecisionRecord[]> {
    if (!this.#url) return [];
    try {
      const res = await fetch(`${this.#url}${operatorDecisionsPath}?since=${this.#since}`, {
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as DecisionsResponse;
      if (body.latestSeq < this.#since) {
        // The operator restarted: its numbering began again. Ask again for all it has.
        this.#since = 0;
        return this.poll(now);
      }
      const fresh = body.decisions.filter((d) => d.seq > this.#since);
      this.#since = body.latestSeq;
      this.policies = body.policies;
      const known = new Set(this.#decisions.map(keyOf));
      const added = fresh.filter((d) => !known.has(keyOf(d)));
      this.#decisions = [...this.#decisions, ...added].slice(-this.#keep);
      this.state = 'up';
      this.error = undefined;
      this.lastOk = now;
      return added;
    } catch (e) {
      this.state = 'unreachable';
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      this.error = `${this.#url}${operatorDecisionsPath}: ${cause ?? (e as Error).message}`;
      return [];
    }
  }

  /** Decisions at or after `from` (ms), oldest first. */
  since(from: number): DecisionRecord[] {
    return this.#decisions.filter((d) => Date.parse(d.time) >= from);
  }
}

const keyOf = (d: DecisionRecord) => `${d.policy}|${d.time}|${d.target}|${d.to}`;
