// The dashboard page: log in, load a range, then follow live updates (server-sent events).
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { logout, overview, session, Unauthenticated } from './api.ts';
import { DecisionList, Popover } from './decisions.ts';
import { clock } from './format.ts';
import { showLogin } from './login.ts';
import { PanelView } from './panel.ts';
import {
  type Decision,
  type LiveUpdate,
  type Overview,
  type RangeName,
  rangeSeconds,
  type SourceState,
} from './types.ts';

const root = document.getElementById('app') as HTMLElement;
const roleNames = { api: 'API', worker: 'Workers', operator: 'Operator' } as const;

async function start() {
  try {
    await session();
  } catch (e) {
    if (!(e instanceof Unauthenticated)) throw e;
    await showLogin(root);
  }
  await dashboard();
}

async function dashboard() {
  let range: RangeName = '5m';
  let panels: PanelView[] = [];
  let data: Overview;
  let lastTick = 0;
  let events: EventSource | undefined;
  const popover = new Popover();
  const list = new DecisionList((d) => focus(d));

  root.innerHTML = `
    <header class="top">
      <h1>Avelon · live metrics</h1>
      <div class="sources" aria-label="data sources"></div>
      <nav class="ranges" aria-label="time range">
        <button data-range="5m">5 min</button><button data-range="1h">1 h</button><button data-range="24h">24 h</button>
      </nav>
      <span class="updated"></span>
      <button class="logout">Log out</button>
    </header>
    <div class="layout"><main></main></div>`;
  const main = root.querySelector('main') as HTMLElement;
  (root.querySelector('.layout') as HTMLElement).appendChild(list.el);
  document.body.appendChild(popover.el);
  const sourcesEl = root.querySelector('.sources') as HTMLElement;
  const updated = root.querySelector('.updated') as HTMLElement;

  root.querySelector('.logout')?.addEventListener('click', async () => {
    await logout();
    location.reload();
  });
  for (const b of root.querySelectorAll<HTMLButtonElement>('.ranges button')) {
    b.addEventListener('click', () => void load(b.dataset.range as RangeName));
  }

  function showSources(sources: SourceState[], operator: Overview['operator']) {
    const chips = sources.map((s) => {
      const label = s.state === 'up' ? 'up' : s.state === 'partial' ? `${s.up} of ${s.total} up` : s.state;
      return `<span class="chip ${s.state}" data-role="${s.role}" title="${(s.error ?? '').replace(/"/g, '')}">${roleNames[s.role]}: ${label}</span>`;
    });
    chips.push(
      `<span class="chip ${operator.state}" data-role="decisions" title="${(operator.error ?? '').replace(/"/g, '')}">Decisions: ${operator.state}</span>`,
    );
    sourcesEl.innerHTML = chips.join('');
    for (const p of panels) p.setSources(sources);
  }

  function showFreshness() {
    const stale = lastTick && Date.now() - lastTick > 3 * (data?.intervalMs ?? 5000);
    document.body.classList.toggle('stale', !!stale);
    updated.textContent = lastTick
      ? `${stale ? 'STALE: last update' : 'updated'} ${clock(lastTick)}`
      : 'waiting for data';
  }
  setInterval(showFreshness, 1000);

  async function load(next: RangeName) {
    range = next;
    for (const b of root.querySelectorAll<HTMLButtonElement>('.ranges button'))
      b.ariaPressed = String(b.dataset.range === range);
    try {
      data = await overview(range);
    } catch (e) {
      if (e instanceof Unauthenticated) return location.reload();
      throw e;
    }
    if (!panels.length) {
      panels = data.panels.map((p) => new PanelView(p, (g, anchor) => popover.show(g.decisions, anchor)));
      let section = '';
      for (const p of panels) {
        if (p.info.section !== section) {
          section = p.info.section;
          const h = document.createElement('h2');
          h.className = 'section';
          h.textContent = section;
          main.appendChild(h);
        }
        main.appendChild(p.el);
      }
      addEventListener('resize', () => {
        for (const p of panels) p.resize();
      });
    }
    const info = new Map(data.panels.map((p) => [p.id, p]));
    for (const p of panels) {
      const fresh = info.get(p.info.id);
      if (fresh) p.info.targets = fresh.targets;
      p.load(data.data.times, data.data.series, data.decisions, rangeSeconds[range]);
    }
    list.set(data.decisions);
    lastTick = data.data.times.at(-1) ?? 0;
    showSources(data.sources, data.operator);
    showFreshness();
    const note = root.querySelector('.range-note') ?? document.createElement('p');
    note.className = 'range-note';
    note.textContent =
      data.historySeconds !== null && rangeSeconds[range] > data.historySeconds
        ? `24 h view: one point per minute (averages); the dashboard keeps what it saw since it started.`
        : '';
    main.prepend(note);
    follow();
  }

  function follow() {
    if (events) return;
    events = new EventSource('/api/live');
    events.addEventListener('tick', (e) => {
      const u = JSON.parse((e as MessageEvent<string>).data) as LiveUpdate;
      lastTick = u.tick.time;
      for (const p of panels) p.append(u.tick.time, u.tick.values, rangeSeconds[range]);
      for (const d of u.decisions) for (const p of panels) p.addDecision(d);
      if (u.decisions.length) list.add(u.decisions);
      showSources(u.tick.sources, u.operator);
      showFreshness();
    });
    events.addEventListener('error', async () => {
      // The stream ends on logout or an expired session; EventSource retries otherwise by itself.
      try {
        await session();
      } catch (e) {
        if (e instanceof Unauthenticated) location.reload();
      }
    });
  }

  function focus(d: Decision) {
    const p = panels.find((x) => x.info.id === d.panel);
    if (!p) return;
    p.el.scrollIntoView({ behavior: 'instant', block: 'center' });
    p.el.classList.add('flash');
    setTimeout(() => p.el.classList.remove('flash'), 1200);
    const marker = p.markerFor(d.seq);
    if (marker) {
      marker.classList.add('picked');
      setTimeout(() => marker.classList.remove('picked'), 2000);
      popover.show([d], marker);
    }
  }

  await load(range);
}

start().catch((e: Error) => {
  root.innerHTML = '<p class="fatal"></p>';
  (root.querySelector('.fatal') as HTMLElement).textContent = `The page failed: ${e.message}`;
});
