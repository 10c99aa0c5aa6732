// Client-side checks of an order ticket against the instrument's rules (docs/api.md
// instruments: tickSize, lotSize, minQuantity, maxQuantity, precisions), done exactly on
// decimal strings. The server checks the same rules again; this only saves a round trip and
// says what is wrong next to the field.
import { compareDecimal, isMultipleOf, parseDecimal, significantDecimals } from './decimal';
import type { Instrument } from './types';

export interface TicketInput {
  symbol: string;
  side: string;
  orderType: string;
  quantity: string;
  price: string;
  stopPrice: string;
  timeInForce: string;
}

export type TicketErrors = Partial<Record<keyof TicketInput, string>>;

export const needsPrice = (orderType: string) => orderType === 'limit' || orderType === 'stop_limit';
export const needsStop = (orderType: string) => orderType === 'stop' || orderType === 'stop_limit';

function checkPrice(text: string, i: Instrument, what: string): string | undefined {
  const v = parseDecimal(text);
  if (!text.trim()) return `Enter a ${what}`;
  if (!v) return `${text} is not a number`;
  if (v.units <= 0n) return `The ${what} must be positive`;
  if (significantDecimals(text) > i.pricePrecision)
    return `At most ${i.pricePrecision} decimal place${i.pricePrecision === 1 ? '' : 's'} for ${i.symbol}`;
  if (!isMultipleOf(v, parseDecimal(i.tickSize)!)) return `Not on the tick: ${i.symbol} moves in steps of ${i.tickSize}`;
  return undefined;
}

export function validateTicket(t: TicketInput, i: Instrument | undefined): TicketErrors {
  const errors: TicketErrors = {};
  if (!i) {
    errors.symbol = 'Choose an instrument';
    return errors;
  }
  if (t.side !== 'buy' && t.side !== 'sell') errors.side = 'Choose buy or sell';
  const q = parseDecimal(t.quantity);
  if (!t.quantity.trim()) errors.quantity = 'Enter a quantity';
  else if (!q) errors.quantity = `${t.quantity} is not a number`;
  else if (q.units <= 0n) errors.quantity = 'The quantity must be positive';
  else if (significantDecimals(t.quantity) > i.quantityPrecision)
    errors.quantity = i.quantityPrecision === 0 ? `${i.symbol} trades in whole units` : `At most ${i.quantityPrecision} decimal places`;
  else if (!isMultipleOf(q, parseDecimal(i.lotSize)!)) errors.quantity = `Not a whole lot: ${i.symbol} trades in lots of ${i.lotSize}`;
  else if (compareDecimal(q, parseDecimal(i.minQuantity)!) < 0) errors.quantity = `The minimum is ${i.minQuantity}`;
  else if (i.maxQuantity && compareDecimal(q, parseDecimal(i.maxQuantity)!) > 0) errors.quantity = `The maximum is ${i.maxQuantity}`;
  if (needsPrice(t.orderType)) {
    const e = checkPrice(t.price, i, 'limit price');
    if (e) errors.price = e;
  }
  if (needsStop(t.orderType)) {
    const e = checkPrice(t.stopPrice, i, 'stop price');
    if (e) errors.stopPrice = e;
  }
  if (t.orderType === 'market' && t.timeInForce !== 'ioc' && t.timeInForce !== 'fok')
    errors.timeInForce = 'Market orders are IOC or FOK';
  return errors;
}

// The ticket field a server error belongs to: the error's `field` when it names one, else
// for a risk or venue refusal the unit of the rule it broke (price; quantity for quantity,
// notional and buying-power rules).
export function fieldOfServerError(field: string, body: Record<string, unknown>): keyof TicketInput | 'accountId' | '' {
  const known = ['symbol', 'side', 'orderType', 'quantity', 'price', 'stopPrice', 'timeInForce', 'accountId'];
  if (field === 'instrument') return 'symbol';
  if (known.includes(field)) return field as keyof TicketInput;
  const report = body.report as { reason?: { unit?: string; code?: string } } | undefined;
  const reason = report?.reason;
  if (reason?.code?.includes('tick') || reason?.unit === 'price') return 'price';
  if (reason?.unit === 'quantity' || reason?.code?.includes('quantity') || reason?.code?.includes('lot')) return 'quantity';
  // Notional and buying-power limits: the ticket's quantity is what the trader changes.
  if (reason?.unit === 'money' || reason?.code?.includes('notional') || reason?.code === 'buying_power') return 'quantity';
  return '';
}
