import { increases, parsePrometheusText, type Sample } from '@avelon/core';
import { panels } from '../panels/catalog.ts';
import { legendOf, type Role, roles, type ScrapeView } from '../panels/scrape-view.ts';
import type { TargetResolver } from './targets.ts';
import { type Collector, type SourceState, seriesId, type Tick } from './types.ts';

interface Snapshot {
  at: number;
  samples: Sample[];
}

const ours = (name: string) => name.startsWith('avelon_');

/**
 * Scrape mode: each tick reads every target's /metrics, turns counters into increases since that
 * target's previous scrape (restarts handled), and evaluates every panel's formula over the sum of the
 * targets that answered. A role with no target answering yields no values at all (shown unreachable).
 */
export class ScrapeCollector implements Collector {
  readonly mode = 'scrape' as const;
  readonly #resolver: TargetResolver;
  readonly #timeoutMs: number;
  readonly #last = new Map<string, Snapshot>();
  readonly #lastOk = new Map<Role, number>();
  #lastTick = 0;

  constructor(resolver: TargetResolver, timeoutMs: number) {
    this.#resolver = resolver;
    this.#timeoutMs = timeoutMs;
  }

  async tick(now: number): Promise<Tick> {
    const dt = this.#lastTick ? (now - this.#lastTick) / 1000 : 0;
    this.#lastTick = now;
    const views = await Promise.all(roles.map((role) => this.#readRole(role, now, dt)));
    const values: Record<string, number> = {};
    for (const panel of panels) {
      for (const family of panel.families) {
        const view = views[roles.indexOf(family.role)];
        if (!view?.view) continue;
        for (const p of family.scrape(view.view)) {
          if (Number.isFinite(p.value))
            values[seriesId(panel.id, family.id, legendOf(family.legend, p.labels))] = p.value;
        }
      }
    }
    return { time: now, values, sources: views.map((v) => v.state) };
  }

  async #readRole(role: Role, now: number, dt: number): Promise<{ state: SourceState; view?: ScrapeView }> {
    let urls: string[];
    try {
      urls = await this.#resolver.resolve(role);
    } catch (e) {
      return { state: { role, state: 'unreachable', up: 0, total: 0, error: `discovery: ${(e as Error).message}` } };
    }
    if (!urls.length) return { state: { role, state: 'unconfigured', up: 0, total: 0 } };
    const read = await Promise.all(urls.map((url) => this.#scrape(url, now)));
    const answered = read.filter((r) => r.now);
    const incs: Sample[] = [];
    const latest: Sample[] = [];
    for (const r of answered) {
      if (!r.now) continue;
      latest.push(...r.now.samples);
      if (r.before) incs.push(...increasesOf(r.now.samples, r.before.samples));
    }
    if (answered.length) this.#lastOk.set(role, now);
    const state: SourceState = {
      role,
      state: answered.length === 0 ? 'unreachable' : answered.length < urls.length ? 'partial' : 'up',
      up: answered.length,
      total: urls.length,
      lastOk: this.#lastOk.get(role),
      error: read.find((r) => r.error)?.error,
    };
    if (!answered.length) return { state };
    const byName = (list: Sample[]) => {
      const map = new Map<string, Sample[]>();
      for (const s of list) map.set(s.name, [...(map.get(s.name) ?? []), s]);
      return (name: string) => map.get(name) ?? [];
    };
    return { state, view: { dt, inc: byName(incs), latest: byName(latest), targetsUp: answered.length } };
  }

  async #scrape(url: string, now: number): Promise<{ now?: Snapshot; before?: Snapshot; error?: string }> {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const snap = { at: now, samples: parsePrometheusText(await res.text(), ours) };
      const before = this.#last.get(url);
      this.#last.set(url, snap);
      return { now: snap, before };
    } catch (e) {
      // The next answer starts a new baseline: an increase across a gap would be one huge spike.
      this.#last.delete(url);
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return { error: `${url}: ${cause ?? (e as Error).message}` };
    }
  }
}

/** Increases of every counter-like series (all samples: gauges' "increases" are never read). */
function increasesOf(now: Sample[], before: Sample[]): Sample[] {
  const names = new Set(now.map((s) => s.name));
  return [...names].flatMap((n) => increases(now, before, n));
}
