// The order ticket's client-side checks and the exact decimal helpers behind them, run with
// node's test runner on an esbuild bundle (npm test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addSteps, compareDecimal, isMultipleOf, parseDecimal, significantDecimals } from '../src/decimal';
import type { Instrument } from '../src/types';
import { fieldOfServerError, validateTicket } from '../src/validation';

const aapl: Instrument = {
  id: 1, symbol: 'AAPL', venue: 'SIM', assetClass: 'equity', currency: 'USD', pricePrecision: 2, quantityPrecision: 0,
  tickSize: '0.01', lotSize: '1', minQuantity: '1', multiplier: '1', status: 'continuous',
};
const future: Instrument = {
  ...aapl, symbol: 'ESZ5', pricePrecision: 2, tickSize: '0.25', lotSize: '1', minQuantity: '1', maxQuantity: '500', multiplier: '50',
};
const btc: Instrument = { ...aapl, symbol: 'BTC/USD', quantityPrecision: 4, lotSize: '0.0005', minQuantity: '0.0005' };

const ticket = (over: Partial<Parameters<typeof validateTicket>[0]>) => ({
  symbol: 'AAPL', side: 'buy', orderType: 'limit', quantity: '10', price: '190.05', stopPrice: '', timeInForce: 'gtc', ...over,
});

test('decimals are compared and stepped exactly', () => {
  assert.equal(compareDecimal(parseDecimal('0.1')!, parseDecimal('0.10')!), 0);
  assert.equal(compareDecimal(parseDecimal('2')!, parseDecimal('10')!), -1);
  assert.equal(isMultipleOf(parseDecimal('0.3')!, parseDecimal('0.1')!), true); // 0.1 * 3 in floating point is not 0.3
  assert.equal(isMultipleOf(parseDecimal('100.30')!, parseDecimal('0.25')!), false);
  assert.equal(isMultipleOf(parseDecimal('100.75')!, parseDecimal('0.25')!), true);
  assert.equal(significantDecimals('1.500'), 1);
  assert.equal(addSteps('190.05', '0.01', -6), '189.99');
  assert.equal(addSteps('0.05', '0.25', -1), '-0.20');
  assert.equal(parseDecimal('1e5'), null);
  assert.equal(parseDecimal('12,5'), null);
});

test('a valid limit order passes', () => {
  assert.deepEqual(validateTicket(ticket({}), aapl), {});
  assert.deepEqual(validateTicket(ticket({ symbol: 'BTC/USD', quantity: '0.0015' }), btc), {});
});

test('quantity: positive, precision, lot, minimum and maximum', () => {
  assert.match(validateTicket(ticket({ quantity: '' }), aapl).quantity!, /Enter/);
  assert.match(validateTicket(ticket({ quantity: '0' }), aapl).quantity!, /positive/);
  assert.match(validateTicket(ticket({ quantity: '-3' }), aapl).quantity!, /positive/);
  assert.match(validateTicket(ticket({ quantity: '1.5' }), aapl).quantity!, /whole units/);
  assert.match(validateTicket(ticket({ quantity: '0.0012' }), btc).quantity!, /lots of 0\.0005/);
  assert.match(validateTicket(ticket({ quantity: '501', price: '100.25' }), future).quantity!, /maximum is 500/);
  assert.match(validateTicket(ticket({ quantity: 'ten' }), aapl).quantity!, /not a number/);
});

test('prices: on the tick, at the precision, required by type', () => {
  assert.match(validateTicket(ticket({ price: '190.001' }), aapl).price!, /decimal place/);
  assert.match(validateTicket(ticket({ price: '100.10' }), future).price!, /steps of 0\.25/);
  assert.match(validateTicket(ticket({ price: '' }), aapl).price!, /Enter a limit price/);
  assert.equal(validateTicket(ticket({ orderType: 'market', price: '', timeInForce: 'ioc' }), aapl).price, undefined);
  assert.match(validateTicket(ticket({ orderType: 'stop', price: '', stopPrice: '' }), aapl).stopPrice!, /stop price/);
  const both = validateTicket(ticket({ orderType: 'stop_limit', price: '190.00', stopPrice: '189.995' }), aapl);
  assert.equal(both.price, undefined);
  assert.match(both.stopPrice!, /decimal place/);
  assert.match(validateTicket(ticket({ orderType: 'market', price: '', timeInForce: 'gtc' }), aapl).timeInForce!, /IOC or FOK/);
});

test('server errors go to the field they name, or by the broken rule', () => {
  assert.equal(fieldOfServerError('price', {}), 'price');
  assert.equal(fieldOfServerError('instrument', {}), 'symbol');
  assert.equal(fieldOfServerError('accountId', {}), 'accountId');
  assert.equal(fieldOfServerError('', { report: { reason: { code: 'max_order_quantity', unit: 'quantity' } } }), 'quantity');
  assert.equal(fieldOfServerError('', { report: { reason: { code: 'buying_power', unit: 'money' } } }), 'quantity');
  assert.equal(fieldOfServerError('', { report: { reason: { code: 'price_collar', unit: 'price' } } }), 'price');
  assert.equal(fieldOfServerError('', { code: 'forbidden' }), '');
});
