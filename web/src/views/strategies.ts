// The strategies running live in the server (`alphintra serve --strategy`), on the accounts the
// user may read: state, positions, orders and fills, equity; Stop and Start for the roles the
// server allows (stop: trader or admin, or risk officer; start: trader or admin). Polled every
// 2 s; hidden while the server runs none.
import { ApiError } from '../api';
import { h, replaceChildren } from '../dom';
import { group } from '../format';
import type { AppState } from '../state';

export interface StrategyView {
  id: string;
  name: string;
  accountId: number;
  instruments: string[];
  bar: string;
  state: 'running' | 'stopped' | 'failed';
  error?: string;
  ordersSent: number;
  fills: number;
  rejects: number;
  positions: { symbol: string; quantity: string; openBuy: string; openSell: string }[];
  currency: string;
  equity: number;
}

export class StrategiesPanel {
  readonly element: HTMLElement;
  private body: HTMLTableSectionElement;
  private message: HTMLElement;
  private renderedKey = '';

  constructor(private readonly state: AppState) {
    this.body = h('tbody');
    this.message = h('p', { class: 'form-error', role: 'alert' });
    this.element = h('section', { class: 'panel strategies-panel', 'aria-label': 'Strategies', hidden: true },
      h('header', { class: 'panel-head' }, h('h2', null, 'Strategies')),
      h('div', { class: 'scroll' },
        h('table', { class: 'grid', 'aria-label': 'Live strategies' },
          h('thead', null, h('tr', null, ['Strategy', 'State', 'Position', 'Fills', ''].map((t) => h('th', { scope: 'col' }, t)))),
          this.body)),
      this.message);
    void this.load();
    state.every(2000, () => void this.load());
  }

  private async load(): Promise<void> {
    let list: StrategyView[];
    try {
      list = (await this.state.api.get<{ strategies: StrategyView[] }>('/api/v1/strategies')).strategies;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) list = []; // a server without the route
      else return;
    }
    this.element.hidden = list.length === 0;
    const key = JSON.stringify(list);
    if (key === this.renderedKey) return; // unchanged: no button is replaced under the pointer
    this.renderedKey = key;
    replaceChildren(this.body, list.map((s) => this.row(s)));
  }

  private row(s: StrategyView): HTMLElement {
    const granted = this.state.user.accounts.includes(s.accountId) || this.state.isAdmin;
    const canStart = granted && this.state.canTrade;
    const canStop = canStart || this.state.canKill;
    const act = async (action: 'stop' | 'start') => {
      this.message.textContent = '';
      try {
        await this.state.api.request('POST', `/api/v1/strategies/${encodeURIComponent(s.id)}/${action}`, {});
      } catch (e) {
        this.message.textContent = e instanceof Error ? e.message : String(e);
      }
      this.renderedKey = '';
      void this.load();
    };
    const position = s.positions.map((p) => `${p.symbol} ${group(p.quantity)}`).join(', ');
    const stateCell = h('td', { class: s.state === 'running' ? 'up' : s.state === 'failed' ? 'down' : 'muted', title: s.error ?? '' },
      s.state.toUpperCase());
    const button = s.state === 'running'
      ? (canStop ? h('button', { type: 'button', class: 'ghost', 'aria-label': `Stop strategy ${s.id}`, onclick: () => void act('stop') }, 'Stop') : null)
      : (canStart ? h('button', { type: 'button', class: 'ghost', 'aria-label': `Start strategy ${s.id}`, onclick: () => void act('start') }, 'Start') : null);
    // Narrow panel: the details go on a second line under the id.
    return h('tr', { 'data-strategy': s.id, 'data-state': s.state },
      h('td', null, h('strong', null, s.id),
        h('div', { class: 'muted' }, `${s.name} · ${s.instruments.join('+')} · ${s.bar} · account ${s.accountId}`),
        h('div', { class: 'muted' }, `equity ${group(s.equity.toFixed(2))} ${s.currency}`)),
      stateCell,
      h('td', { class: 'num' }, position),
      h('td', { class: 'num', title: `${s.ordersSent} orders sent, ${s.rejects} rejected` }, String(s.fills)),
      h('td', null, button));
  }
}
