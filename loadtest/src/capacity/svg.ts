// The frontier chart of docs/capacity.md as a hand-written SVG: SLO-violation minutes (log scale) against
// replica-hours, one marker per strategy, the baselines' frontier as a dashed line. No plotting library:
// a few dozen elements, and the output is byte-for-byte the same for the same numbers.
import type { FrontierPoint } from '../../../operator/src/simulator/frontier.ts';

/** A strategy on the chart and how to draw it. */
export interface ChartPoint extends FrontierPoint {
  kind: 'hpa' | 'keda' | 'operator';
}

const width = 1000;
const height = 520;
const plot = { left: 80, right: 560, top: 50, bottom: 450 };
const colours = { hpa: '#1f77b4', keda: '#ff7f0e', operator: '#2ca02c' } as const;
/** Violation minutes under this are drawn on the axis floor (a log scale has no 0). */
const floorMinutes = 0.1;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const n = (v: number) => v.toFixed(1);

/** Ticks at a round step (1, 2 or 5 × 10^k), about `count` of them, the first at or under `lo`, the last at or over `hi`. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((s) => s * mag >= raw) ?? 10) * mag;
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Math.round(i * step * 1e6) / 1e6);
  return ticks;
}

function marker(p: ChartPoint, x: number, y: number): string {
  const c = colours[p.kind];
  if (p.kind === 'hpa') return `<circle cx="${n(x)}" cy="${n(y)}" r="5" fill="${c}"/>`;
  if (p.kind === 'keda') return `<rect x="${n(x - 5)}" y="${n(y - 5)}" width="10" height="10" fill="${c}"/>`;
  return `<path d="M${n(x)},${n(y - 8)} L${n(x + 8)},${n(y)} L${n(x)},${n(y + 8)} L${n(x - 8)},${n(y)} Z" fill="${c}" stroke="#000"/>`;
}

/** The chart: `points` are every strategy, `frontier` the baselines' Pareto points, cheapest first. */
export function frontierSvg(title: string, points: readonly ChartPoint[], frontier: readonly FrontierPoint[]): string {
  const xs = points.map((p) => p.replicaHours);
  const pad = (Math.max(...xs) - Math.min(...xs)) * 0.08 || 1;
  const xTicks = niceTicks(Math.min(...xs) - pad, Math.max(...xs) + pad);
  const [x0, x1] = [xTicks[0] as number, xTicks.at(-1) as number];
  const yTop = 10 ** Math.max(1, Math.ceil(Math.log10(Math.max(...points.map((p) => p.violationMinutes), 1))));
  const yTicks: number[] = [];
  for (let v = floorMinutes; v <= yTop * 1.0001; v *= 10) yTicks.push(Math.round(v * 10) / 10);
  const sx = (v: number) => plot.left + ((v - x0) / (x1 - x0)) * (plot.right - plot.left);
  const sy = (v: number) => {
    const f = Math.log10(Math.max(v, floorMinutes) / floorMinutes) / Math.log10(yTop / floorMinutes);
    return plot.bottom - f * (plot.bottom - plot.top);
  };
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    // The accessible name of the image (screen readers, and biome's a11y rule).
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${plot.left}" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const t of xTicks) {
    out.push(
      `<line x1="${n(sx(t))}" y1="${plot.top}" x2="${n(sx(t))}" y2="${plot.bottom}" stroke="#eee"/>`,
      `<text x="${n(sx(t))}" y="${plot.bottom + 18}" text-anchor="middle">${t}</text>`,
    );
  }
  for (const t of yTicks) {
    out.push(
      `<line x1="${plot.left}" y1="${n(sy(t))}" x2="${plot.right}" y2="${n(sy(t))}" stroke="#eee"/>`,
      `<text x="${plot.left - 8}" y="${n(sy(t) + 4)}" text-anchor="end">${t === floorMinutes ? '≤ 0.1' : t}</text>`,
    );
  }
  out.push(
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#333"/>`,
    `<text x="${(plot.left + plot.right) / 2}" y="${plot.bottom + 42}" text-anchor="middle">replica-hours over the day (API + worker pods; lower is cheaper)</text>`,
    `<text transform="translate(22 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">SLO-violation minutes (log scale; lower is better)</text>`,
  );
  // The frontier as frontierAt() defines it: straight between its points, flat beyond both ends.
  const first = frontier[0];
  const last = frontier.at(-1);
  if (first && last) {
    const line = [
      [x0, first.violationMinutes],
      ...frontier.map((p) => [p.replicaHours, p.violationMinutes]),
      [x1, last.violationMinutes],
    ];
    const d = line.map(([x, y], i) => `${i ? 'L' : 'M'}${n(sx(x as number))},${n(sy(y as number))}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="#555" stroke-width="1.5" stroke-dasharray="6 4"/>`);
  }
  for (const p of points) out.push(marker(p, sx(p.replicaHours), sy(p.violationMinutes)));
  // Legend: one line per strategy with its figures, then the frontier.
  const lx = plot.right + 20;
  out.push(`<text x="${lx}" y="${plot.top}" font-weight="bold">strategy: replica-hours, violation min</text>`);
  points.forEach((p, i) => {
    const y = plot.top + 22 + i * 20;
    out.push(
      marker(p, lx + 6, y - 4),
      `<text x="${lx + 20}" y="${y}">${esc(p.name)}: ${n(p.replicaHours)} h, ${n(p.violationMinutes)} min</text>`,
    );
  });
  const fy = plot.top + 22 + points.length * 20 + 6;
  out.push(
    `<line x1="${lx}" y1="${fy - 4}" x2="${lx + 14}" y2="${fy - 4}" stroke="#555" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<text x="${lx + 20}" y="${fy}">the baselines' frontier</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
