// The depth ladder: the selected instrument's best levels, asks above bids, with the spread
// between and a bar per level proportional to its size. Clicking a price puts it into the
// order ticket.
import { h, replaceChildren } from '../dom';
import { group } from '../format';
import type { AppState } from '../state';
import type { Book, Level } from '../types';

const DEPTH = 10;

export class DepthLadder {
  readonly element: HTMLElement;
  private body: HTMLTableSectionElement;
  private updates = 0;

  constructor(private readonly state: AppState, private readonly onPrice: (price: string) => void) {
    this.body = h('tbody');
    this.element = h(
      'section',
      { class: 'panel ladder-panel', 'aria-label': 'Order book' },
      h('header', { class: 'panel-head' }, h('h2', null, 'Order book')),
      h('table', { class: 'grid ladder', 'aria-label': 'Depth ladder' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Bid size'), h('th', { scope: 'col' }, 'Price'), h('th', { scope: 'col' }, 'Ask size'))),
        this.body,
      ),
    );
    state.feed.on('book', (b) => this.render(b));
    state.onSelect((s, p) => {
      if (s.symbol !== p.symbol) replaceChildren(this.body);
    });
  }

  private render(book: Book): void {
    if (book.symbol !== this.state.selection.symbol) return;
    const asks = book.asks.slice(0, DEPTH);
    const bids = book.bids.slice(0, DEPTH);
    const max = Math.max(1, ...asks.map((l) => Number(l.quantity)), ...bids.map((l) => Number(l.quantity)));
    const row = (l: Level, side: 'bid' | 'ask') => {
      const width = `${Math.round((Number(l.quantity) / max) * 100)}%`;
      const size = h('td', { class: `size ${side}` }, h('span', { class: 'depth-bar', style: `width:${width}` }), group(l.quantity));
      return h(
        'tr',
        { class: `level ${side}`, 'data-side': side },
        side === 'bid' ? size : h('td'),
        h('td', { class: `price ${side === 'bid' ? 'up' : 'down'}` },
          h('button', { type: 'button', class: 'link', 'aria-label': `Use price ${l.price}`, onclick: () => this.onPrice(l.price) }, l.price)),
        side === 'ask' ? size : h('td'),
      );
    };
    const bestBid = bids[0] ? Number(bids[0].price) : NaN;
    const bestAsk = asks[0] ? Number(asks[0].price) : NaN;
    const precision = this.state.instrument?.pricePrecision ?? 2;
    const spread = Number.isFinite(bestBid) && Number.isFinite(bestAsk) ? (bestAsk - bestBid).toFixed(precision) : '—';
    this.updates += 1;
    this.element.dataset.updates = String(this.updates);
    replaceChildren(
      this.body,
      [...asks].reverse().map((l) => row(l, 'ask')),
      h('tr', { class: 'spread' }, h('td', { colspan: 3 }, `spread ${spread}`, book.last ? `  ·  last ${book.last}` : '')),
      bids.map((l) => row(l, 'bid')),
    );
  }
}
