// Market watch: every instrument with bid, ask and last; the row's last flashes green or red
// when it moves, a badge names a trading status other than continuous (halted, closed, an
// auction), and selecting a row selects the instrument everywhere.
import { h } from '../dom';
import type { AppState } from '../state';
import type { Quote, StatusUpdate } from '../types';

export class Watchlist {
  readonly element: HTMLElement;
  private rows = new Map<
    string,
    { row: HTMLTableRowElement; bid: HTMLElement; ask: HTMLElement; last: HTMLElement; status: HTMLElement }
  >();

  constructor(state: AppState) {
    const body = h('tbody');
    for (const i of state.instruments) {
      const bid = h('td', { class: 'num' }, '—');
      const ask = h('td', { class: 'num' }, '—');
      const last = h('td', { class: 'num' }, '—');
      const status = h('span', { class: 'trading-status' });
      const row = h(
        'tr',
        { 'aria-selected': String(i.symbol === state.selection.symbol), 'data-symbol': i.symbol },
        h('th', { scope: 'row' },
          h('button', { type: 'button', class: 'link symbol', 'aria-label': `Select ${i.symbol}`, onclick: () => state.select({ symbol: i.symbol }) }, i.symbol),
          h('span', { class: 'asset' }, i.assetClass), status),
        bid, ask, last,
      );
      this.rows.set(i.symbol, { row, bid, ask, last, status });
      this.showStatus(i.symbol, i.status);
      body.append(row);
    }
    this.element = h(
      'section',
      { class: 'panel watch-panel', 'aria-label': 'Market watch' },
      h('header', { class: 'panel-head' }, h('h2', null, 'Market watch')),
      h('div', { class: 'scroll' },
        h('table', { class: 'grid watch', 'aria-label': 'Instruments' },
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Symbol'), h('th', { scope: 'col' }, 'Bid'), h('th', { scope: 'col' }, 'Ask'), h('th', { scope: 'col' }, 'Last'))),
          body)),
    );
    state.feed.on('quote', (q) => this.update(q));
    state.feed.on('status', (s: StatusUpdate) => this.showStatus(s.symbol, s.status));
    state.onSelect((s) => {
      for (const [symbol, r] of this.rows) r.row.setAttribute('aria-selected', String(symbol === s.symbol));
    });
  }

  private showStatus(symbol: string, status: string): void {
    const r = this.rows.get(symbol);
    if (!r) return;
    r.row.setAttribute('data-status', status);
    r.status.textContent = status === 'continuous' ? '' : status.replace(/_/g, ' ');
  }

  private update(q: Quote): void {
    const r = this.rows.get(q.symbol);
    if (!r) return;
    if (q.bid !== undefined) r.bid.textContent = q.bid;
    if (q.ask !== undefined) r.ask.textContent = q.ask;
    if (q.last !== undefined && q.last !== r.last.textContent) {
      const previous = Number(r.last.textContent);
      r.last.textContent = q.last;
      if (Number.isFinite(previous)) {
        r.last.className = `num ${Number(q.last) >= previous ? 'flash-up' : 'flash-down'}`;
      }
    }
  }
}
