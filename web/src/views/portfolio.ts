// Positions and P&L of the selected account: total value, cash, margin, realized and
// unrealized P&L, the positions table, and an equity curve sampled here from the total value
// every poll (the server keeps no history of it). Polled every 2 s.
import { AreaSeries, createChart, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import { ApiError } from '../api';
import { h, replaceChildren } from '../dom';
import { group, signClass } from '../format';
import type { AppState } from '../state';
import type { Portfolio } from '../types';
import { chartTheme } from './chart';

export class PortfolioPanel {
  readonly element: HTMLElement;
  private summary: HTMLElement;
  private table: HTMLElement;
  private chart: IChartApi;
  private equity: ISeriesApi<'Area'>;
  private lastSample = 0;
  private renderedKey = '';

  constructor(private readonly state: AppState) {
    this.summary = h('dl', { class: 'stats', 'aria-label': 'Account summary' });
    this.table = h('div', { class: 'scroll' });
    const canvas = h('div', { class: 'equity-canvas', role: 'img', 'aria-label': 'Equity curve' });
    this.element = h('section', { class: 'panel portfolio-panel', 'aria-label': 'Positions' },
      h('header', { class: 'panel-head' }, h('h2', null, 'Positions & P&L')),
      this.summary, this.table, h('h3', { class: 'sub' }, 'Equity'), canvas);
    this.chart = createChart(canvas, { ...chartTheme(), rightPriceScale: { borderColor: '#263040' }, handleScroll: false, handleScale: false });
    this.equity = this.chart.addSeries(AreaSeries, { lineColor: '#4aa3ff', topColor: 'rgba(74,163,255,0.35)', bottomColor: 'rgba(74,163,255,0.02)', lineWidth: 2 });
    state.onSelect((s, p) => {
      if (s.account !== p.account) {
        this.equity.setData([]);
        this.lastSample = 0;
        void this.load();
      }
    });
    void this.load();
    state.every(2000, () => void this.load());
  }

  private async load(): Promise<void> {
    const account = this.state.selection.account;
    let p: Portfolio;
    try {
      p = await this.state.api.get<Portfolio>(`/api/v1/portfolio/${account}`);
    } catch (e) {
      if (account !== this.state.selection.account) return;
      this.renderedKey = '';
      replaceChildren(this.summary, h('p', { class: 'muted' }, e instanceof ApiError && e.status === 404 ? 'Portfolio endpoint not available on this server' : `Portfolio: ${(e as Error).message}`));
      return;
    }
    if (account !== this.state.selection.account) return;
    this.sample(p.totalValue);
    const key = JSON.stringify(p);
    if (key === this.renderedKey) return; // unchanged: not rebuilt
    this.renderedKey = key;
    const stat = (name: string, value: string, cls = '') =>
      h('div', { class: 'stat' }, h('dt', null, name), h('dd', { class: `num ${cls}`, 'data-stat': name }, group(value)));
    replaceChildren(this.summary,
      stat('Portfolio value', p.totalValue), stat('Cash', p.cash), stat('Margin used', p.marginUsed),
      stat('Realized P&L', p.realizedPnl, signClass(p.realizedPnl)), stat('Unrealized P&L', p.unrealizedPnl, signClass(p.unrealizedPnl)));
    const head = ['Symbol', 'Qty', 'Avg price', 'Mkt price', 'Mkt value', 'Realized', 'Unrealized'];
    replaceChildren(this.table, h('table', { class: 'grid', 'aria-label': 'Positions' },
      h('thead', null, h('tr', null, head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, p.positions.length
        ? p.positions.map((x) => h('tr', { 'data-symbol': x.symbol },
            h('td', null, x.symbol), h('td', { class: `num ${signClass(x.quantity)}` }, group(x.quantity)),
            h('td', { class: 'num' }, x.averagePrice), h('td', { class: 'num' }, x.marketPrice), h('td', { class: 'num' }, group(x.marketValue)),
            h('td', { class: `num ${signClass(x.realizedPnl)}` }, group(x.realizedPnl)), h('td', { class: `num ${signClass(x.unrealizedPnl)}` }, group(x.unrealizedPnl))))
        : h('tr', null, h('td', { colspan: head.length, class: 'muted empty' }, 'No positions')))));
  }

  // One sample a second at most; lightweight-charts needs strictly increasing times.
  private sample(totalValue: string): void {
    const now = Math.floor(Date.now() / 1000);
    if (now <= this.lastSample) return;
    this.lastSample = now;
    this.equity.update({ time: now as UTCTimestamp, value: Number(totalValue) });
    this.element.dataset.equitySamples = String(Number(this.element.dataset.equitySamples ?? '0') + 1);
  }
}
