// The risk panel of the selected account: exposures, leverage, trading state, limits usage as
// bars, VaR figures when the server reports them, and the kill switch (account or global,
// with a confirmation step) for the risk_officer and admin roles. Polled every 2 s.
import { ApiError } from '../api';
import { h, replaceChildren } from '../dom';
import { group, label, percent } from '../format';
import type { AppState } from '../state';
import type { RiskView } from '../types';

const KNOWN = new Set(['accountId', 'currency', 'grossExposure', 'netExposure', 'leverage', 'openOrders', 'tradingState', 'killSwitch', 'limits']);

export class RiskPanel {
  readonly element: HTMLElement;
  private body: HTMLElement;
  private controls: HTMLElement;
  private message: HTMLElement;
  private armed: string | null = null;
  private controlsKey = '';
  private bodyKey = '';

  constructor(private readonly state: AppState) {
    this.body = h('div', { class: 'risk-body' });
    this.message = h('p', { class: 'form-error', role: 'alert' });
    this.controls = h('div', { class: 'kill-controls', hidden: !state.canKill });
    this.element = h('section', { class: 'panel risk-panel', 'aria-label': 'Risk' },
      h('header', { class: 'panel-head' }, h('h2', null, 'Risk')), this.body, this.controls, this.message);
    state.onSelect((s, p) => {
      if (s.account !== p.account) void this.load();
    });
    void this.load();
    state.every(2000, () => void this.load());
  }

  private async load(): Promise<void> {
    const account = this.state.selection.account;
    let r: RiskView;
    try {
      r = await this.state.api.get<RiskView>(`/api/v1/portfolio/${account}/risk`);
    } catch (e) {
      if (account !== this.state.selection.account) return;
      this.bodyKey = '';
      replaceChildren(this.body, h('p', { class: 'muted' }, e instanceof ApiError && e.status === 404 ? 'Risk endpoint not available on this server' : `Risk: ${(e as Error).message}`));
      this.renderControls(false);
      return;
    }
    if (account !== this.state.selection.account) return;
    const key = JSON.stringify(r);
    if (key === this.bodyKey) return; // unchanged: the panel is not rebuilt (nothing moves under the pointer)
    this.bodyKey = key;
    const extra = Object.entries(r).filter(([k, v]) => !KNOWN.has(k) && (typeof v === 'string' || typeof v === 'number'));
    const stat = (name: string, value: string, cls = '') => h('div', { class: 'stat' }, h('dt', null, name), h('dd', { class: `num ${cls}` }, value));
    replaceChildren(this.body,
      h('dl', { class: 'stats' },
        stat('Gross exposure', group(r.grossExposure)), stat('Net exposure', group(r.netExposure)), stat('Leverage', r.leverage),
        stat('Open orders', String(r.openOrders)),
        stat('Trading', r.killSwitch ? 'HALTED' : label(r.tradingState || 'active'), r.killSwitch ? 'down' : 'up'),
        extra.map(([k, v]) => stat(label(k), group(String(v))))),
      h('ul', { class: 'limits', 'aria-label': 'Limits usage' }, r.limits.map((l) => {
        const pct = percent(l.used, l.limit);
        return h('li', null,
          h('span', { class: 'limit-name' }, label(l.name)),
          h('span', { class: 'num' }, `${group(l.used)} / ${group(l.limit)}`),
          h('div', { class: `meter ${pct >= 90 ? 'hot' : pct >= 70 ? 'warm' : ''}`, role: 'meter', 'aria-label': `${label(l.name)} usage`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(pct) },
            h('span', { style: `width:${pct.toFixed(1)}%` })));
      })));
    this.element.dataset.killSwitch = String(r.killSwitch);
    this.renderControls(r.killSwitch);
  }

  private renderControls(active: boolean): void {
    if (!this.state.canKill) return;
    const account = this.state.selection.account;
    // Rebuilt only when what they show changes, so that a button is not replaced under the pointer.
    const key = `${account}|${this.armed}|${active}`;
    if (key === this.controlsKey) return;
    this.controlsKey = key;
    const act = async (path: string, body: Record<string, unknown>) => {
      this.armed = null;
      this.message.textContent = '';
      try {
        await this.state.api.request('POST', path, body);
      } catch (e) {
        this.message.textContent = e instanceof Error ? e.message : String(e);
      }
      void this.load();
    };
    const arm = (what: string) => () => { this.armed = what; this.renderControls(active); };
    const buttons = this.armed
      ? [h('span', { class: 'warn' }, this.armed === 'global' ? 'Halt ALL trading?' : `Halt account ${account}?`),
         h('button', { type: 'button', class: 'danger', onclick: () => void act('/api/v1/risk/kill-switch', this.armed === 'global' ? { scope: 'global' } : { scope: 'account', accountId: account }) }, 'Confirm kill switch'),
         h('button', { type: 'button', class: 'ghost', onclick: () => { this.armed = null; this.renderControls(active); } }, 'Keep trading')]
      : [h('button', { type: 'button', class: 'danger', onclick: arm('account') }, `Kill switch: account ${account}`),
         h('button', { type: 'button', class: 'danger', onclick: arm('global') }, 'Kill switch: global'),
         h('button', { type: 'button', class: 'ghost', onclick: () => void act('/api/v1/risk/kill-switch/reset', { scope: 'account', accountId: account }) }, `Reset account ${account}`),
         this.state.isAdmin || this.state.canKill ? h('button', { type: 'button', class: 'ghost', onclick: () => void act('/api/v1/risk/kill-switch/reset', { scope: 'global' }) }, 'Reset global') : null];
    replaceChildren(this.controls, buttons);
  }
}
