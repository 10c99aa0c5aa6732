// Time and sales: the selected instrument's latest trades, newest first (at most 50 kept).
import { h, replaceChildren } from '../dom';
import { group, timeOfDay } from '../format';
import type { AppState } from '../state';
import type { Trade } from '../types';

const KEEP = 50;

export class TimeAndSales {
  readonly element: HTMLElement;
  private body: HTMLTableSectionElement;
  private count = 0;

  constructor(private readonly state: AppState) {
    this.body = h('tbody');
    this.element = h(
      'section',
      { class: 'panel tape-panel', 'aria-label': 'Time and sales' },
      h('header', { class: 'panel-head' }, h('h2', null, 'Time & sales')),
      h('div', { class: 'scroll' },
        h('table', { class: 'grid tape', 'aria-label': 'Trades' },
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Time'), h('th', { scope: 'col' }, 'Price'), h('th', { scope: 'col' }, 'Size'))),
          this.body,
        )),
    );
    state.feed.on('trade', (t) => this.add(t));
    state.onSelect((s, p) => {
      if (s.symbol !== p.symbol) replaceChildren(this.body);
    });
  }

  private add(t: Trade): void {
    if (t.symbol !== this.state.selection.symbol) return;
    const cls = t.aggressor === 'sell' ? 'down' : 'up';
    this.body.prepend(h('tr', { class: `trade ${cls}` }, h('td', { class: 'muted' }, timeOfDay(t.time)), h('td', { class: cls }, t.price), h('td', null, t.quantity ? group(t.quantity) : '')));
    while (this.body.rows.length > KEEP) this.body.deleteRow(-1);
    this.count += 1;
    this.element.dataset.trades = String(this.count);
  }
}
