import type { Decision } from './types.ts';

/** Decisions drawn as one marker: those closer than the marker's width on screen. */
export interface MarkerGroup {
  x: number;
  decisions: Decision[];
}

/** Groups decisions whose markers would overlap (a dense range shows "3", not three stacked flags). */
export function groupMarkers(decisions: Decision[], xOf: (d: Decision) => number, minGapPx: number): MarkerGroup[] {
  const sorted = [...decisions].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const groups: MarkerGroup[] = [];
  for (const d of sorted) {
    const x = xOf(d);
    const last = groups.at(-1);
    if (last && x - last.x < minGapPx) last.decisions.push(d);
    else groups.push({ x, decisions: [d] });
  }
  return groups;
}
