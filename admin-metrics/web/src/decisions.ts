import { changeText, clock, modeText, observedText } from './format.ts';
import type { Decision } from './types.ts';

const panelNames: Record<string, string> = {
  latency: 'response time chart',
  'queue-depth': 'queue chart',
  'hit-rate': 'hit-rate chart',
};

/** The sidebar: recent decisions, newest first; each links to its marker. */
export class DecisionList {
  readonly el: HTMLElement;
  readonly #list: HTMLElement;
  readonly #onPick: (d: Decision) => void;
  #items: Decision[] = [];

  constructor(onPick: (d: Decision) => void) {
    this.#onPick = onPick;
    this.el = document.createElement('aside');
    this.el.className = 'decisions';
    this.el.innerHTML = `<h2>Operator decisions</h2>
      <p class="hint">Each change the operator made, with why. Click one to see it on its chart.</p>
      <ol></ol>`;
    this.#list = this.el.querySelector('ol') as HTMLElement;
  }

  set(decisions: Decision[]) {
    this.#items = [...decisions];
    this.#render();
  }

  add(decisions: Decision[]) {
    this.#items.push(...decisions);
    this.#render();
  }

  #render() {
    const items = [...this.#items].sort((a, b) => Date.parse(b.time) - Date.parse(a.time)).slice(0, 100);
    if (!items.length) {
      this.#list.innerHTML = '<li class="empty">No decisions in this range.</li>';
      return;
    }
    this.#list.replaceChildren(
      ...items.map((d) => {
        const li = document.createElement('li');
        const b = document.createElement('button');
        b.dataset.seq = String(d.seq);
        b.innerHTML = '<time></time><strong></strong><span class="why"></span><span class="where"></span>';
        (b.querySelector('time') as HTMLElement).textContent = clock(Date.parse(d.time));
        (b.querySelector('strong') as HTMLElement).textContent = changeText(d);
        (b.querySelector('.why') as HTMLElement).textContent = d.reason;
        (b.querySelector('.where') as HTMLElement).textContent =
          `${d.panel ? `on the ${panelNames[d.panel] ?? d.panel}` : ''}${d.mode === 'applied' ? '' : ` · ${modeText(d)}`}`;
        b.addEventListener('click', (e) => {
          // The popover closes on clicks elsewhere: this one opens it.
          e.stopPropagation();
          this.#onPick(d);
        });
        li.appendChild(b);
        return li;
      }),
    );
  }
}

/** The details popover of a marker (one or a group of decisions). */
export class Popover {
  readonly el: HTMLElement;

  constructor() {
    this.el = document.createElement('div');
    this.el.className = 'popover';
    this.el.setAttribute('role', 'dialog');
    this.el.hidden = true;
    document.addEventListener('click', (e) => {
      if (!this.el.contains(e.target as Node)) this.hide();
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.hide();
    });
  }

  show(decisions: Decision[], anchor: HTMLElement) {
    this.el.replaceChildren(
      ...decisions.map((d) => {
        const div = document.createElement('div');
        div.className = 'decision';
        div.dataset.seq = String(d.seq);
        div.innerHTML = '<time></time><strong></strong><p class="why"></p><p class="saw"></p><p class="mode"></p>';
        (div.querySelector('time') as HTMLElement).textContent = new Date(d.time).toLocaleString('en-GB');
        (div.querySelector('strong') as HTMLElement).textContent = changeText(d);
        (div.querySelector('.why') as HTMLElement).textContent = `Why: ${d.reason}`;
        (div.querySelector('.saw') as HTMLElement).textContent = `It saw: ${observedText(d) || 'no values recorded'}`;
        (div.querySelector('.mode') as HTMLElement).textContent = `${modeText(d)} · policy ${d.policy}`;
        return div;
      }),
    );
    const r = anchor.getBoundingClientRect();
    this.el.hidden = false;
    const w = this.el.offsetWidth;
    this.el.style.left = `${Math.max(8, Math.min(window.scrollX + r.left - w / 2, window.scrollX + document.documentElement.clientWidth - w - 8))}px`;
    this.el.style.top = `${window.scrollY + r.bottom + 8}px`;
  }

  hide() {
    this.el.hidden = true;
  }
}
