// Display helpers: server names turned into headings and menu entries (npm test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { label } from '../src/format';

test('server names become headings, abbreviations stay capitals', () => {
  assert.equal(label('max_open_orders'), 'Max open orders');
  assert.equal(label('risk_officer'), 'Risk officer');
  assert.equal(label('future'), 'Future');
  assert.equal(label('fx'), 'FX');
  assert.equal(label('opening_auction'), 'Opening auction');
});
