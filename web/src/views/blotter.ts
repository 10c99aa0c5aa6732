// The blotter: open orders with cancel and replace, today's fills, and all orders of the
// account. Kept from GET /api/v1/orders (and /fills) and the live order updates; refreshed
// every 1.5 s while the feed polls, every 5 s as a check while it is live.
import { ApiError } from '../api';
import { h, replaceChildren } from '../dom';
import { dateTime, group, timeOfDay } from '../format';
import type { AppState } from '../state';
import type { ExecutionReport, Fill } from '../types';
import { OPEN_STATUSES } from '../types';

type Tab = 'open' | 'fills' | 'all';

export class Blotter {
  readonly element: HTMLElement;
  private orders = new Map<number, ExecutionReport>();
  private fills: Fill[] = [];
  private fillsFromOrders = false;
  private tab: Tab = 'open';
  private tabs: Record<Tab, HTMLButtonElement>;
  private panel: HTMLElement;
  private status: HTMLElement;
  private editing: number | null = null;
  private ticks = 0;
  private renderedKey = '';

  constructor(private readonly state: AppState) {
    const tab = (id: Tab, text: string) =>
      h('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': 'blotter-panel', 'aria-selected': String(id === this.tab), onclick: () => this.show(id) }, text);
    this.tabs = { open: tab('open', 'Open orders'), fills: tab('fills', 'Fills'), all: tab('all', 'All orders') };
    this.panel = h('div', { class: 'scroll', role: 'tabpanel', id: 'blotter-panel', 'aria-labelledby': 'tab-open' });
    this.status = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'blotter-message' });
    this.element = h('section', { class: 'panel blotter-panel', 'aria-label': 'Blotter' },
      h('header', { class: 'panel-head' }, h('h2', null, 'Blotter'),
        h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Blotter views' }, Object.values(this.tabs)),
        h('button', { type: 'button', class: 'ghost', 'aria-label': 'Cancel all open orders', hidden: !state.canTrade, onclick: () => void this.cancelAll() }, 'Cancel all')),
      this.status, this.panel);
    state.feed.on('order', (r) => {
      if ((r.accountId ?? r.account) !== state.selection.account) return;
      this.upsert(r);
      if (r.execType === 'trade') void this.loadFills();
      this.render();
    });
    state.onSelect((s, p) => {
      if (s.account !== p.account) {
        this.orders.clear();
        this.fills = [];
        void this.refresh();
      }
    });
    void this.refresh();
    this.schedule();
  }

  // An order the ticket just placed: shown at once, before the next refresh.
  add(r: ExecutionReport): void {
    this.upsert(r);
    this.render();
    window.setTimeout(() => void this.refresh(), 300);
  }

  private upsert(r: ExecutionReport): void {
    const known = this.orders.get(r.orderId);
    if (known && known.execId !== undefined && r.execId !== undefined && r.execId < known.execId) return;
    this.orders.set(r.orderId, { ...known, ...r });
  }

  // Every 1.5 s while the feed polls, every 5 s while it is live.
  private schedule(): void {
    this.state.every(500, () => {
      this.ticks += 1;
      if (this.ticks % (this.state.feed.mode === 'live' ? 10 : 3) === 0) void this.refresh();
    });
  }

  private async refresh(): Promise<void> {
    const account = this.state.selection.account;
    try {
      const answer = await this.state.api.get<{ orders: ExecutionReport[] }>(`/api/v1/orders?accountId=${account}&order=desc&limit=1000`);
      if (account !== this.state.selection.account) return;
      for (const r of answer.orders) this.upsert(r);
      this.status.textContent = '';
    } catch (e) {
      this.status.textContent = e instanceof Error ? `Orders: ${e.message}` : String(e);
    }
    await this.loadFills();
    this.render();
  }

  private async loadFills(): Promise<void> {
    const account = this.state.selection.account;
    try {
      const answer = await this.state.api.get<{ fills: Fill[] }>(`/api/v1/fills?accountId=${account}&limit=200`);
      if (account !== this.state.selection.account) return;
      const today = new Date().toDateString();
      this.fills = answer.fills.filter((f) => new Date(f.time > 1e17 ? f.time / 1e6 : f.time).toDateString() === today);
      this.fillsFromOrders = false;
    } catch (e) {
      // A server without the fills endpoint: the orders' fills (average price) stand in.
      this.fillsFromOrders = e instanceof ApiError && e.status === 404;
    }
  }

  private show(tab: Tab): void {
    this.tab = tab;
    for (const [id, b] of Object.entries(this.tabs)) b.setAttribute('aria-selected', String(id === tab));
    this.panel.setAttribute('aria-labelledby', `tab-${tab}`);
    this.render();
  }

  private render(): void {
    const orders = [...this.orders.values()].sort((a, b) => b.orderId - a.orderId);
    // Unchanged content is not rebuilt (buttons stay put under the pointer, an open editor keeps its input).
    const key = `${this.tab}|${this.editing}|${this.fills.length}|${this.fillsFromOrders}|` +
      orders.map((o) => `${o.orderId}:${o.status}:${o.cumQuantity}:${o.quantity}:${o.price}`).join(',');
    if (key === this.renderedKey) return;
    this.renderedKey = key;
    const open = orders.filter((o) => OPEN_STATUSES.has(o.status));
    this.tabs.open.textContent = `Open orders (${open.length})`;
    if (this.tab === 'fills') return this.renderFills(orders);
    const list = this.tab === 'open' ? open : orders.slice(0, 200);
    const head = ['Order', 'Symbol', 'Side', 'Type', 'Qty', 'Filled', 'Price', 'Avg', 'TIF', 'Status', ''];
    replaceChildren(this.panel, h('table', { class: 'grid blotter', 'aria-label': this.tab === 'open' ? 'Open orders' : 'All orders' },
      h('thead', null, h('tr', null, head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, list.length ? list.map((o) => this.orderRow(o)) : h('tr', null, h('td', { colspan: head.length, class: 'muted empty' }, 'No orders'))),
    ));
  }

  private orderRow(o: ExecutionReport): HTMLElement[] {
    const live = OPEN_STATUSES.has(o.status) && this.state.canTrade;
    const actions = live
      ? [h('button', { type: 'button', class: 'mini', 'aria-label': `Replace order ${o.orderId}`, onclick: () => { this.editing = o.orderId; this.render(); } }, 'Replace'),
         h('button', { type: 'button', class: 'mini danger', 'aria-label': `Cancel order ${o.orderId}`, onclick: () => void this.cancel(o.orderId) }, 'Cancel')]
      : [];
    const row = h('tr', { 'data-order-id': o.orderId, 'data-status': o.status },
      h('td', { class: 'muted' }, String(o.orderId)), h('td', null, o.symbol),
      h('td', { class: o.side === 'buy' ? 'up' : 'down' }, o.side.toUpperCase()), h('td', null, o.orderType.replace('_', ' ')),
      h('td', { class: 'num' }, group(o.quantity)), h('td', { class: 'num' }, group(o.cumQuantity)),
      h('td', { class: 'num' }, o.price ?? (o.stopPrice ? `stop ${o.stopPrice}` : 'MKT')), h('td', { class: 'num' }, o.averagePrice ?? ''),
      h('td', null, o.timeInForce.toUpperCase()),
      h('td', { class: `status status-${o.status}`, title: o.reason?.message ?? '' }, o.status.replace(/_/g, ' ')),
      h('td', { class: 'actions' }, actions));
    if (this.editing !== o.orderId || !live) return [row];
    const qty = h('input', { 'aria-label': `New quantity for order ${o.orderId}`, value: o.quantity, inputmode: 'decimal', class: 'narrow' });
    const price = h('input', { 'aria-label': `New price for order ${o.orderId}`, value: o.price ?? '', inputmode: 'decimal', class: 'narrow' });
    const error = h('span', { class: 'form-error', role: 'alert' });
    const editor = h('tr', { class: 'editor' }, h('td', { colspan: 11 },
      h('form', { class: 'inline', 'aria-label': `Replace order ${o.orderId}`, onsubmit: (e: Event) => { e.preventDefault(); void this.replace(o, qty.value.trim(), price.value.trim(), error); } },
        h('label', null, 'Qty ', qty), o.price !== undefined ? h('label', null, 'Price ', price) : null,
        h('button', { type: 'submit', class: 'mini primary' }, 'Send replace'),
        h('button', { type: 'button', class: 'mini', onclick: () => { this.editing = null; this.render(); } }, 'Close editor'),
        error)));
    return [row, editor];
  }

  private renderFills(orders: ExecutionReport[]): void {
    const head = ['Time', 'Order', 'Symbol', 'Side', 'Qty', 'Price', 'Fee', 'Liq'];
    const rows = this.fillsFromOrders
      ? orders.filter((o) => Number(o.cumQuantity) > 0).map((o) =>
          h('tr', null, h('td', { class: 'muted' }, timeOfDay(o.time)), h('td', null, String(o.orderId)), h('td', null, o.symbol),
            h('td', { class: o.side === 'buy' ? 'up' : 'down' }, o.side.toUpperCase()), h('td', { class: 'num' }, group(o.cumQuantity)),
            h('td', { class: 'num' }, o.averagePrice ?? ''), h('td', null, ''), h('td', null, '')))
      : this.fills.map((f) =>
          h('tr', null, h('td', { class: 'muted' }, dateTime(f.time).slice(11)), h('td', null, String(f.orderId)), h('td', null, f.symbol),
            h('td', { class: f.side.toLowerCase() === 'buy' ? 'up' : 'down' }, f.side.toUpperCase()), h('td', { class: 'num' }, group(f.quantity)),
            h('td', { class: 'num' }, f.price), h('td', { class: 'num' }, f.fee ? `${f.fee} ${f.feeCurrency ?? ''}` : ''), h('td', null, f.liquidity ?? '')));
    replaceChildren(this.panel, h('table', { class: 'grid blotter', 'aria-label': "Today's fills" },
      h('thead', null, h('tr', null, head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows.length ? rows : h('tr', null, h('td', { colspan: head.length, class: 'muted empty' }, 'No fills today')))));
  }

  private async cancel(orderId: number): Promise<void> {
    this.status.textContent = '';
    try {
      this.upsert(await this.state.api.request<ExecutionReport>('DELETE', `/api/v1/orders/${orderId}`));
    } catch (e) {
      this.status.textContent = `Cancel ${orderId}: ${e instanceof Error ? e.message : String(e)}`;
    }
    this.render();
  }

  private async cancelAll(): Promise<void> {
    const open = [...this.orders.values()].filter((o) => OPEN_STATUSES.has(o.status));
    await Promise.all(open.map((o) => this.cancel(o.orderId)));
  }

  private async replace(o: ExecutionReport, quantity: string, price: string, error: HTMLElement): Promise<void> {
    const body: Record<string, string> = {};
    if (quantity && quantity !== o.quantity) body.quantity = quantity;
    if (price && price !== o.price) body.price = price;
    if (!Object.keys(body).length) {
      error.textContent = 'Change the quantity or the price';
      return;
    }
    try {
      this.upsert(await this.state.api.request<ExecutionReport>('PATCH', `/api/v1/orders/${o.orderId}`, body));
      this.editing = null;
      this.render();
    } catch (e) {
      error.textContent = e instanceof ApiError && e.field ? `${e.field}: ${e.message}` : e instanceof Error ? e.message : String(e);
    }
  }
}
