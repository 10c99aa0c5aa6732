// The order ticket: account (when several), symbol, side, type, quantity, price, stop price,
// time in force. Checked on the client against the instrument's tick and lot sizes; a server
// refusal is shown next to the field it names. Users without the trader or admin role see the
// ticket read-only.
import { ApiError } from '../api';
import { field, h, setFieldError } from '../dom';
import type { AppState } from '../state';
import type { ExecutionReport } from '../types';
import { fieldOfServerError, needsPrice, needsStop, type TicketInput, validateTicket } from '../validation';
import { addSteps } from '../decimal';

export class OrderTicket {
  readonly element: HTMLElement;
  private controls: Record<keyof TicketInput, HTMLInputElement | HTMLSelectElement>;
  private sideInputs: HTMLInputElement[];
  private message: HTMLElement;
  private submit: HTMLButtonElement;
  private sequence = 0;

  constructor(private readonly state: AppState, private readonly onPlaced: (r: ExecutionReport) => void) {
    const symbol = h('select', { name: 'symbol' },
      state.instruments.map((i) => h('option', { value: i.symbol, selected: i.symbol === state.selection.symbol }, i.symbol)));
    symbol.addEventListener('change', () => state.select({ symbol: symbol.value }));
    const orderType = h('select', { name: 'orderType' },
      h('option', { value: 'limit' }, 'Limit'), h('option', { value: 'market' }, 'Market'),
      h('option', { value: 'stop' }, 'Stop'), h('option', { value: 'stop_limit' }, 'Stop limit'));
    const quantity = h('input', { name: 'quantity', inputmode: 'decimal', autocomplete: 'off' });
    const price = h('input', { name: 'price', inputmode: 'decimal', autocomplete: 'off' });
    const stopPrice = h('input', { name: 'stopPrice', inputmode: 'decimal', autocomplete: 'off' });
    const timeInForce = h('select', { name: 'timeInForce' },
      ['gtc', 'day', 'ioc', 'fok'].map((t) => h('option', { value: t }, t.toUpperCase())));
    // Side: a radio group shown as a buy/sell toggle.
    this.sideInputs = ['buy', 'sell'].map((s) => h('input', { type: 'radio', name: 'side', value: s, checked: s === 'buy', id: `side-${s}` }));
    const side = h('input', { type: 'hidden', name: 'side-value' }); // carries the side's error id
    side.id = 'side-error-anchor';
    const sideGroup = h('fieldset', { class: 'side-toggle' },
      h('legend', null, 'Side'),
      this.sideInputs.map((input) => h('label', { class: `side-${input.value}`, for: input.id }, input, input.value === 'buy' ? 'Buy' : 'Sell')),
      h('p', { class: 'field-error', id: 'side-error-anchor-error', role: 'alert' }));
    side.setAttribute('aria-describedby', 'side-error-anchor-error');
    this.controls = { symbol, side, orderType, quantity, price, stopPrice, timeInForce };

    const priceStep = (steps: number) => () => {
      const i = state.instrument;
      const next = i && addSteps(price.value || '0', i.tickSize, steps);
      if (next) price.value = next;
    };
    const priceField = field('Price', price);
    priceField.append(h('div', { class: 'stepper' },
      h('button', { type: 'button', 'aria-label': 'Price down one tick', onclick: priceStep(-1) }, '−'),
      h('button', { type: 'button', 'aria-label': 'Price up one tick', onclick: priceStep(1) }, '+')));
    const stopField = field('Stop price', stopPrice);
    const syncType = () => {
      priceField.hidden = !needsPrice(orderType.value);
      stopField.hidden = !needsStop(orderType.value);
      if (orderType.value === 'market' && timeInForce.value !== 'fok') timeInForce.value = 'ioc';
    };
    orderType.addEventListener('change', syncType);

    this.message = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'ticket-message' });
    this.submit = h('button', { type: 'submit', class: 'primary buy' }, 'Place order');
    const syncSide = () => {
      const s = this.side;
      this.submit.className = `primary ${s}`;
      this.submit.textContent = s === 'sell' ? 'Place sell order' : 'Place buy order';
    };
    for (const input of this.sideInputs) input.addEventListener('change', syncSide);
    const hint = h('p', { class: 'muted ticket-hint', 'data-testid': 'ticket-hint' });
    const readOnly = !state.canTrade;
    const form = h('form', { class: 'ticket', 'aria-label': 'Order ticket', novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); void this.place(); } },
      field('Symbol', symbol),
      sideGroup,
      h('div', { class: 'row2' }, field('Order type', orderType), field('Time in force', timeInForce)),
      field('Quantity', quantity),
      priceField,
      stopField,
      hint,
      this.message,
      this.submit,
    );
    if (readOnly) {
      for (const c of form.querySelectorAll('input, select, button')) (c as HTMLInputElement).disabled = true;
      this.message.textContent = `Your role (${state.user.roles.join(', ') || 'none'}) cannot place orders`;
      this.message.setAttribute('role', 'status');
    }
    this.element = h('section', { class: 'panel ticket-panel', 'aria-label': 'Order entry' },
      h('header', { class: 'panel-head' }, h('h2', null, 'Order entry')), form);

    const showHint = () => {
      const i = state.instrument;
      const size = i && i.multiplier && i.multiplier !== '1' ? ` · ×${i.multiplier} a point` : '';
      hint.textContent = i ? `${i.symbol} · ${i.venue} · tick ${i.tickSize} · lot ${i.lotSize}${size} · ${i.currency}` : '';
    };
    state.onSelect((s, p) => {
      if (s.symbol !== p.symbol) {
        symbol.value = s.symbol;
        price.value = '';
        stopPrice.value = '';
        this.clearErrors();
        showHint();
      }
    });
    syncType();
    syncSide();
    showHint();
  }

  get side(): string {
    return this.sideInputs.find((i) => i.checked)?.value ?? 'buy';
  }

  setPrice(p: string): void {
    (this.controls.price as HTMLInputElement).value = p;
  }

  private clearErrors(): void {
    for (const c of Object.values(this.controls)) setFieldError(c, '');
    this.message.textContent = '';
  }

  private async place(): Promise<void> {
    if (!this.state.canTrade) return;
    this.clearErrors();
    const c = this.controls;
    const input: TicketInput = {
      symbol: c.symbol.value, side: this.side, orderType: c.orderType.value, quantity: c.quantity.value.trim(),
      price: c.price.value.trim(), stopPrice: c.stopPrice.value.trim(), timeInForce: c.timeInForce.value,
    };
    const errors = validateTicket(input, this.state.bySymbol.get(input.symbol));
    const wrong = Object.entries(errors) as [keyof TicketInput, string][];
    if (wrong.length) {
      for (const [name, message] of wrong) setFieldError(c[name], message);
      c[wrong[0][0]].focus();
      return;
    }
    this.sequence += 1;
    const body: Record<string, unknown> = {
      accountId: this.state.selection.account, symbol: input.symbol, side: input.side, orderType: input.orderType,
      timeInForce: input.timeInForce, quantity: input.quantity,
      clientOrderId: `web-${Date.now().toString(36)}-${this.sequence}`,
    };
    if (needsPrice(input.orderType)) body.price = input.price;
    if (needsStop(input.orderType)) body.stopPrice = input.stopPrice;
    this.submit.disabled = true;
    try {
      const report = await this.state.api.request<ExecutionReport>('POST', '/api/v1/orders', body);
      this.message.setAttribute('role', 'status');
      this.message.className = 'form-ok';
      this.message.textContent = `Order ${report.orderId} ${report.status.replace(/_/g, ' ')}`;
      this.onPlaced(report);
    } catch (e) {
      this.message.setAttribute('role', 'alert');
      this.message.className = 'form-error';
      if (e instanceof ApiError) {
        const at = fieldOfServerError(e.field, e.body);
        if (at && at !== 'accountId') {
          setFieldError(c[at], e.message);
          c[at].focus();
        } else {
          this.message.textContent = at === 'accountId' ? `Account ${this.state.selection.account}: ${e.message}` : e.message;
        }
      } else {
        this.message.textContent = e instanceof Error ? e.message : String(e);
      }
    } finally {
      this.submit.disabled = false;
    }
  }
}
