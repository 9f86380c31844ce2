import uPlot from 'uplot';
import { clock, formatValue } from './format.ts';
import { groupMarkers, type MarkerGroup } from './markers.ts';
import type { Decision, PanelInfo, SourceState } from './types.ts';

const palette = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2', '#dc2626', '#65a30d'];
const maxLines = 8;
const roleNames = { api: 'API', worker: 'Workers', operator: 'Operator' } as const;

/** One panel: title, current value, state, chart with target lines and decision markers. */
export class PanelView {
  readonly info: PanelInfo;
  readonly el: HTMLElement;
  readonly #value: HTMLElement;
  readonly #state: HTMLElement;
  readonly #which: HTMLElement;
  readonly #plot: HTMLElement;
  readonly #onMarker: (group: MarkerGroup, anchor: HTMLElement) => void;
  #chart?: uPlot;
  #ids: string[] = [];
  times: number[] = [];
  series = new Map<string, Array<number | null>>();
  decisions: Decision[] = [];
  /** The range shown (s): the x axis spans all of it, so a decision before the first reading still shows. */
  rangeSeconds = 300;
  #sources: SourceState[] = [];

  constructor(info: PanelInfo, onMarker: (group: MarkerGroup, anchor: HTMLElement) => void) {
    this.info = info;
    this.#onMarker = onMarker;
    this.el = document.createElement('section');
    this.el.className = 'panel';
    this.el.dataset.panel = info.id;
    this.el.innerHTML = `
      <header><h3></h3><span class="now"><strong class="value">–</strong><small class="which"></small></span></header>
      <p class="state" hidden></p>
      <p class="help"></p>
      <div class="plot"></div>`;
    (this.el.querySelector('h3') as HTMLElement).textContent = info.title;
    (this.el.querySelector('.help') as HTMLElement).textContent = info.help;
    this.#value = this.el.querySelector('.value') as HTMLElement;
    this.#state = this.el.querySelector('.state') as HTMLElement;
    this.#which = this.el.querySelector('.which') as HTMLElement;
    this.#plot = this.el.querySelector('.plot') as HTMLElement;
  }

  /** Replaces the data (a new range). */
  load(times: number[], series: Record<string, Array<number | null>>, decisions: Decision[], rangeSeconds: number) {
    this.rangeSeconds = rangeSeconds;
    this.times = times.map((t) => t / 1000);
    this.series = new Map(Object.entries(series).filter(([id]) => id.startsWith(`${this.info.id}/`)));
    this.decisions = decisions.filter((d) => d.panel === this.info.id);
    this.render(true);
  }

  /** Adds one live reading, dropping points older than the range. */
  append(time: number, values: Record<string, number>, rangeSeconds: number) {
    const t = time / 1000;
    const n = this.times.length;
    this.times.push(t);
    for (const col of this.series.values()) col.push(null);
    for (const [id, v] of Object.entries(values)) {
      if (!id.startsWith(`${this.info.id}/`)) continue;
      let col = this.series.get(id);
      if (!col) {
        col = new Array(n + 1).fill(null);
        this.series.set(id, col);
      }
      col[n] = v;
    }
    let drop = 0;
    while (drop < this.times.length && (this.times[drop] as number) < t - rangeSeconds) drop++;
    if (drop) {
      this.times.splice(0, drop);
      for (const col of this.series.values()) col.splice(0, drop);
    }
    this.render(false);
  }

  addDecision(d: Decision) {
    if (d.panel === this.info.id && !this.decisions.some((x) => x.seq === d.seq && x.time === d.time)) {
      this.decisions.push(d);
      this.#chart?.redraw(false, false);
    }
  }

  setSources(sources: SourceState[]) {
    this.#sources = sources;
    this.#renderState();
  }

  /** The series drawn: families in catalog order, the busiest first within one, at most 8. */
  #chosen(): string[] {
    const last = (col: Array<number | null>) => col.findLast((v) => v !== null) ?? Number.NEGATIVE_INFINITY;
    const family = (id: string) => id.split('/')[1] ?? '';
    const order: string[] = [];
    for (const id of this.series.keys()) if (!order.includes(family(id))) order.push(family(id));
    return [...this.series.entries()]
      .filter(([, col]) => col.some((v) => v !== null))
      .sort(
        ([a, ca], [b, cb]) =>
          order.indexOf(family(a)) - order.indexOf(family(b)) || last(cb) - last(ca) || a.localeCompare(b),
      )
      .slice(0, maxLines)
      .map(([id]) => id);
  }

  render(rebuild: boolean) {
    const ids = this.#chosen();
    const same = ids.length === this.#ids.length && ids.every((id, i) => id === this.#ids[i]);
    const data = [this.times, ...ids.map((id) => this.series.get(id) ?? [])] as uPlot.AlignedData;
    if (!this.#chart || rebuild || !same) {
      this.#ids = ids;
      this.#chart?.destroy();
      this.#chart = ids.length ? this.#create(ids, data) : undefined;
      if (this.#chart && !performance.getEntriesByName('first-chart').length) performance.mark('first-chart');
    } else this.#chart.setData(data);
    const primary = ids[0] ? this.series.get(ids[0]) : undefined;
    const current = primary?.findLast((v) => v !== null);
    this.#value.textContent = formatValue(current, this.info.unit);
    // Which line the big number is: "p95", "all routes", "emails waiting".
    this.#which.textContent = ids[0] ? `now · ${ids[0].split('/').slice(2).join('/')}` : '';
    this.#renderState();
  }

  #renderState() {
    const down = this.#sources.filter((s) => this.info.roles.includes(s.role) && s.state === 'unreachable');
    const none = this.#sources.filter((s) => this.info.roles.includes(s.role) && s.state === 'unconfigured');
    let text = '';
    let kind = '';
    if (down.length) {
      kind = 'unreachable';
      text = down
        .map(
          (s) => `${roleNames[s.role]} unreachable${s.lastOk ? ` since ${clock(s.lastOk)}` : ''}: no data (not zero)`,
        )
        .join('; ');
    } else if (none.length && none.length === this.info.roles.length) {
      kind = 'unconfigured';
      text = `${none.map((s) => roleNames[s.role]).join(', ')}: no targets configured`;
    } else if (!this.#ids.length) {
      kind = 'collecting';
      text =
        this.times.length < 2 ? 'Collecting: first values after two readings' : 'Nothing counted in this range yet';
    }
    this.el.dataset.state = kind || 'ok';
    this.#state.hidden = !text;
    this.#state.textContent = text;
    if (kind === 'unreachable') this.#value.textContent = 'unreachable';
  }

  #create(ids: string[], data: uPlot.AlignedData): uPlot {
    const unit = this.info.unit;
    const targets = this.info.targets;
    const width = Math.max(280, this.#plot.clientWidth || 480);
    const opts: uPlot.Options = {
      width,
      height: 170,
      scales: {
        x: {
          time: true,
          range: (_u, _min, max) => {
            const end = Math.max(max, Date.now() / 1000);
            return [end - this.rangeSeconds, end];
          },
        },
        y: {
          range: (_u, min, max) => {
            const values = [min, max, ...targets.map((t) => t.value)].filter((v) => Number.isFinite(v));
            const lo = Math.min(0, ...values);
            const hi = Math.max(...values, unit === 'ratio' ? 0.01 : 1e-9);
            return [lo, hi + (hi - lo) * 0.1];
          },
        },
      },
      axes: [
        { stroke: '#64748b', grid: { stroke: '#e2e8f0' } },
        {
          stroke: '#64748b',
          grid: { stroke: '#e2e8f0' },
          size: 64,
          values: (_u, splits) => splits.map((v) => formatValue(v, unit)),
        },
      ],
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: 'at', value: (_u, v) => (v === null ? 'now' : clock(v * 1000)) },
        ...ids.map((id, i) => ({
          label: id.split('/').slice(2).join('/'),
          stroke: palette[i % palette.length],
          width: i === 0 ? 2 : 1.5,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => formatValue(v, unit),
        })),
      ],
      hooks: {
        draw: [(u) => this.#drawTargets(u)],
        drawClear: [(u) => this.#placeMarkers(u)],
      },
    };
    return new uPlot(opts, data, this.#plot);
  }

  /** Dashed target lines with their label, on the canvas. */
  #drawTargets(u: uPlot) {
    const ctx = u.ctx;
    ctx.save();
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    // uPlot leaves the axes' alignment set; the labels start inside the plot, above their line.
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    for (const t of this.info.targets) {
      const y = Math.round(u.valToPos(t.value, 'y', true));
      ctx.strokeStyle = '#ef4444';
      ctx.beginPath();
      ctx.moveTo(u.bbox.left, y);
      ctx.lineTo(u.bbox.left + u.bbox.width, y);
      ctx.stroke();
      ctx.fillStyle = '#b91c1c';
      ctx.fillText(t.label, u.bbox.left + 4 * devicePixelRatio, y - 4 * devicePixelRatio);
    }
    ctx.restore();
  }

  /** Decision markers as buttons over the plot (hover/click shows the decision), grouped when close. */
  #placeMarkers(u: uPlot) {
    let layer = u.over.querySelector<HTMLElement>('.markers');
    if (!layer) {
      layer = document.createElement('div');
      layer.className = 'markers';
      u.over.appendChild(layer);
    }
    layer.replaceChildren();
    const [min, max] = [u.scales.x?.min ?? 0, u.scales.x?.max ?? 0];
    const visible = this.decisions.filter((d) => {
      const t = Date.parse(d.time) / 1000;
      return t >= min && t <= max;
    });
    for (const group of groupMarkers(visible, (d) => u.valToPos(Date.parse(d.time) / 1000, 'x'), 14)) {
      const b = document.createElement('button');
      b.className = `marker ${group.decisions.length > 1 ? 'group' : ''}`;
      b.style.left = `${group.x}px`;
      b.dataset.seqs = group.decisions.map((d) => d.seq).join(',');
      b.textContent = group.decisions.length > 1 ? String(group.decisions.length) : '';
      b.title = group.decisions.map((d) => `${clock(Date.parse(d.time))} ${d.reason}`).join('\n');
      b.setAttribute('aria-label', `operator decision${group.decisions.length > 1 ? 's' : ''}: ${b.title}`);
      b.addEventListener('click', (e) => {
        e.stopPropagation();
        this.#onMarker(group, b);
      });
      layer.appendChild(b);
    }
  }

  /** The marker button showing decision `seq`, if drawn. */
  markerFor(seq: number): HTMLElement | undefined {
    return [...this.el.querySelectorAll<HTMLElement>('.marker')].find((m) =>
      (m.dataset.seqs ?? '').split(',').includes(String(seq)),
    );
  }

  resize() {
    if (this.#chart) this.#chart.setSize({ width: Math.max(280, this.#plot.clientWidth), height: 170 });
  }
}
