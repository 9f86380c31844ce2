// The spike scenario: the browse mix at `rate`, then `factor` × `rate` (a flash sale, a link on a front
// page), then `rate` again. Each phase is its own vegeta attack started on schedule, not after the previous
// one has drained, so the backlog of the spike runs into the next phase as it would in production.
// Requests count in the phase they were sent in (loadtest/src/phases.ts); recovery is how long after the
// spike the tail returns to the first phase's p99 and errors stop.
import { browseGenerator, vegetaTargets } from './browse-targets.ts';
import type { Catalogue } from './catalogue.ts';
import { type PhaseStats, recoverySeconds, splitPhases } from './phases.ts';
import { attack } from './vegeta.ts';

export interface SpikeOptions {
  baseUrl: string;
  catalogue: Catalogue;
  /** Base arrival rate, and the spike's multiple of it. */
  rate: number;
  factor: number;
  /** Seconds of each phase. */
  beforeSeconds: number;
  spikeSeconds: number;
  afterSeconds: number;
  seed: number;
}

export interface SpikeResult {
  phases: Array<PhaseStats & { generatorCpu: number }>;
  /** Seconds from the end of the spike until the tail is back (null: not within the last phase). */
  recoverySeconds: number | null;
}

export async function runSpike(o: SpikeOptions): Promise<SpikeResult> {
  const gen = browseGenerator(o.catalogue, { seed: o.seed });
  const plan = [
    { name: 'before', rate: o.rate, seconds: o.beforeSeconds },
    { name: 'spike', rate: o.rate * o.factor, seconds: o.spikeSeconds },
    { name: 'after', rate: o.rate, seconds: o.afterSeconds },
  ];
  // Targets are made before the clock starts: generating them must not delay a phase.
  const targets = plan.map((p) =>
    vegetaTargets(
      o.baseUrl,
      Array.from({ length: Math.ceil(p.rate * p.seconds) }, () => gen.next().path),
    ),
  );
  const t0 = Date.now() + 500;
  let offset = 0;
  const phases = plan.map((p) => {
    const from = t0 + offset * 1000;
    offset += p.seconds;
    return { ...p, from, to: t0 + offset * 1000 };
  });
  const attacks = await Promise.all(
    phases.map(async (p, i) => {
      await new Promise((ok) => setTimeout(ok, Math.max(0, p.from - Date.now())));
      return attack({
        targets: targets[i] as string,
        rate: p.rate,
        durationSeconds: p.seconds,
        workers: 2000,
        keepResults: true,
      });
    }),
  );
  const results = attacks.flatMap((a) => a.results ?? []);
  const stats = splitPhases(results, phases);
  const after = phases[2];
  return {
    phases: stats.map((s, i) => ({ ...s, generatorCpu: attacks[i]?.generatorCpu ?? Number.NaN })),
    recoverySeconds: recoverySeconds(results, after?.from ?? 0, after?.to ?? 0, stats[0]?.p99 ?? 0),
  };
}
