// The admin page: users (roles, account grants, enable/disable, second factor, delete), API
// keys (create: the secret is shown once; revoke), each account's risk limits and the
// instruments (trading status: halt, resume, auctions; a reference price; list a new one). Only for the admin
// role; every change goes through the admin endpoints and the lists are reloaded.
import { ApiError } from '../api';
import { field, h, replaceChildren } from '../dom';
import { dateTime, label } from '../format';
import type { AppState } from '../state';
import type { AdminUser, ApiKey, Instrument } from '../types';

const ROLES = ['admin', 'trader', 'risk_officer', 'viewer'];
const STATUSES = ['continuous', 'halted', 'closed', 'pre_open', 'opening_auction', 'closing_auction'];
const ASSET_CLASSES = ['equity', 'future', 'fx', 'crypto', 'option'];

function parseAccounts(text: string): number[] {
  return text.split(/[\s,]+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.field ? `${e.field}: ${e.message}` : e.message;
  return e instanceof Error ? e.message : String(e);
}

export function adminView(state: AppState): HTMLElement {
  const api = state.api;
  const message = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'admin-message' });
  const notice = h('div', { class: 'notice', role: 'status', 'data-testid': 'admin-notice' });
  const usersBody = h('tbody');
  const keysBody = h('tbody');
  const limitsBox = h('div');

  const run = async (what: () => Promise<unknown>, reload: () => Promise<void>) => {
    message.textContent = '';
    try {
      await what();
    } catch (e) {
      message.textContent = errorText(e);
    }
    await reload();
  };

  const loadUsers = async () => {
    try {
      const { users } = await api.get<{ users: AdminUser[] }>('/api/v1/admin/users');
      replaceChildren(usersBody, users.map((u) => userRow(u)));
    } catch (e) {
      replaceChildren(usersBody, h('tr', null, h('td', { colspan: 6, class: 'muted' }, errorText(e))));
    }
  };

  const userRow = (u: AdminUser) => {
    const boxes = ROLES.map((r) => h('input', { type: 'checkbox', value: r, checked: u.roles.includes(r), 'aria-label': `${label(r)} role for ${u.username}` }));
    const roles = h('div', { class: 'role-boxes', role: 'group', 'aria-label': `Roles of ${u.username}` },
      boxes.map((b) => h('label', null, b, label(b.value))));
    const accounts = h('input', { 'aria-label': `Accounts of ${u.username}`, value: u.accounts.join(', '), class: 'narrow' });
    const save = () => run(() => api.request('PATCH', `/api/v1/admin/users/${encodeURIComponent(u.username)}`, {
      roles: boxes.filter((b) => b.checked).map((b) => b.value), accounts: parseAccounts(accounts.value),
    }), loadUsers);
    return h('tr', { 'data-user': u.username },
      h('td', null, u.username), h('td', null, roles), h('td', null, accounts),
      h('td', null, u.mfa ? 'on' : 'off'), h('td', { class: u.disabled ? 'down' : 'up' }, u.disabled ? 'disabled' : 'active'),
      h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'mini', 'aria-label': `Save ${u.username}`, onclick: save }, 'Save'),
        h('button', { type: 'button', class: 'mini', 'aria-label': `${u.disabled ? 'Enable' : 'Disable'} ${u.username}`,
          onclick: () => run(() => api.request('PATCH', `/api/v1/admin/users/${encodeURIComponent(u.username)}`, { disabled: !u.disabled }), loadUsers) }, u.disabled ? 'Enable' : 'Disable'),
        h('button', { type: 'button', class: 'mini', 'aria-label': `Set up second factor for ${u.username}`,
          onclick: () => run(async () => {
            const r = await api.request<{ secret: string; otpauth_uri: string }>('POST', `/api/v1/admin/users/${encodeURIComponent(u.username)}/mfa`);
            replaceChildren(notice, `Second factor for ${u.username}: secret `, h('code', null, r.secret), ' — ', h('code', { class: 'wrap' }, r.otpauth_uri), ' (shown once)');
          }, loadUsers) }, '2FA'),
        h('button', { type: 'button', class: 'mini danger', 'aria-label': `Delete ${u.username}`,
          onclick: () => run(() => api.request('DELETE', `/api/v1/admin/users/${encodeURIComponent(u.username)}`), loadUsers) }, 'Delete')));
  };

  const newName = h('input', { name: 'new-username', autocomplete: 'off' });
  const newPassword = h('input', { name: 'new-password', type: 'password', autocomplete: 'new-password' });
  const newRole = h('select', { name: 'new-role' }, ROLES.map((r) => h('option', { value: r, selected: r === 'trader' }, label(r))));
  const newAccounts = h('input', { name: 'new-accounts', value: state.user.accounts.join(', ') });
  const createUser = h('form', { class: 'inline-form', 'aria-label': 'Create user', onsubmit: (e: Event) => {
    e.preventDefault();
    void run(() => api.request('POST', '/api/v1/admin/users', {
      username: newName.value.trim(), password: newPassword.value, roles: [newRole.value], accounts: parseAccounts(newAccounts.value),
    }), async () => { newPassword.value = ''; await loadUsers(); });
  } }, field('Username', newName), field('Password', newPassword), field('Role', newRole), field('Accounts', newAccounts),
  h('button', { type: 'submit', class: 'primary' }, 'Create user'));

  const loadKeys = async () => {
    try {
      const { keys } = await api.get<{ keys: ApiKey[] }>('/api/v1/admin/api-keys');
      replaceChildren(keysBody, keys.length ? keys.map((k) => h('tr', null, h('td', null, h('code', null, k.keyId)), h('td', null, k.username), h('td', null, k.label),
        h('td', { class: 'muted' }, dateTime(k.created)),
        h('td', null, h('button', { type: 'button', class: 'mini danger', 'aria-label': `Revoke key ${k.keyId}`,
          onclick: () => run(() => api.request('DELETE', `/api/v1/admin/api-keys/${encodeURIComponent(k.keyId)}`), loadKeys) }, 'Revoke'))))
        : h('tr', null, h('td', { colspan: 5, class: 'muted empty' }, 'No API keys')));
    } catch (e) {
      replaceChildren(keysBody, h('tr', null, h('td', { colspan: 5, class: 'muted' }, errorText(e))));
    }
  };
  const keyUser = h('input', { name: 'key-username', value: state.user.username });
  const keyLabel = h('input', { name: 'key-label', placeholder: 'e.g. algo-1' });
  const createKey = h('form', { class: 'inline-form', 'aria-label': 'Create API key', onsubmit: (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const k = await api.request<{ keyId: string; secret: string }>('POST', '/api/v1/admin/api-keys', { username: keyUser.value.trim(), label: keyLabel.value.trim() });
      replaceChildren(notice, 'API key ', h('code', null, k.keyId), ' secret ', h('code', null, k.secret), ' (shown once: store it now)');
    }, loadKeys);
  } }, field('Key owner', keyUser), field('Key label', keyLabel), h('button', { type: 'submit', class: 'primary' }, 'Create API key'));

  const limitsAccount = h('select', { name: 'limits-account' }, state.user.accounts.map((a) => h('option', { value: a }, `Account ${a}`)));
  const loadLimits = async () => {
    const account = Number(limitsAccount.value);
    try {
      const { limits } = await api.get<{ limits: Record<string, string | number | boolean> }>(`/api/v1/admin/risk-limits/${account}`);
      const inputs = Object.entries(limits).map(([k, v]) => [k, h('input', { name: k, value: String(v), class: 'narrow' })] as const);
      replaceChildren(limitsBox, h('form', { class: 'limits-form', 'aria-label': `Risk limits of account ${account}`, onsubmit: (e: Event) => {
        e.preventDefault();
        const body: Record<string, string | number | boolean> = {};
        for (const [k, input] of inputs) {
          const was = limits[k];
          body[k] = typeof was === 'number' ? Number(input.value) : typeof was === 'boolean' ? input.value === 'true' : input.value.trim();
        }
        void run(() => api.request('PUT', `/api/v1/admin/risk-limits/${account}`, { limits: body }), loadLimits);
      } }, h('div', { class: 'limits-grid' }, inputs.map(([k, input]) => field(label(k), input))), h('button', { type: 'submit', class: 'primary' }, 'Save limits')));
    } catch (e) {
      replaceChildren(limitsBox, h('p', { class: 'muted' }, errorText(e)));
    }
  };
  limitsAccount.addEventListener('change', () => void loadLimits());

  // Instruments: the trading status of each (the engine's instrument_status), and a new listing
  // (define_instrument): the server checks every member and names the one it refuses.
  const instrumentsBody = h('tbody');
  const loadInstruments = async () => {
    try {
      const { instruments } = await api.get<{ instruments: Instrument[] }>('/api/v1/instruments');
      replaceChildren(instrumentsBody, instruments.map((i) => {
        const status = h('select', { 'aria-label': `Status of ${i.symbol}` },
          STATUSES.map((s) => h('option', { value: s, selected: s === i.status }, label(s))));
        status.addEventListener('change', () => void run(() => api.request('PUT',
          `/api/v1/admin/instruments/${encodeURIComponent(i.symbol)}/status`, { status: status.value }), loadInstruments));
        // Its reference price (collars, marks): the simulated market quotes an instrument it did
        // not quote yet around it.
        const reference = h('input', { 'aria-label': `Reference price of ${i.symbol}`, inputmode: 'decimal', class: 'narrow' });
        const setReference = h('button', { type: 'button', class: 'mini', 'aria-label': `Set the reference price of ${i.symbol}`,
          onclick: () => void run(async () => {
            await api.request('PUT', `/api/v1/admin/instruments/${encodeURIComponent(i.symbol)}/reference-price`,
              { referencePrice: reference.value.trim() });
            replaceChildren(notice, `${i.symbol}: reference price ${reference.value.trim()}`);
          }, loadInstruments) }, 'Set');
        // A future's final settlement at its expiry: its orders expire, its positions close at
        // the price and it closes for good (the server refuses a second one).
        const settlement = i.assetClass === 'future' ? [
          h('input', { 'aria-label': `Settlement price of ${i.symbol}`, inputmode: 'decimal', class: 'narrow', placeholder: 'settle at' }),
        ] : [];
        // Where the future stands: settled (at what price), or its expiry pending (when, at what).
        const expiry = i.settlementPrice !== undefined ? `settled at ${i.settlementPrice}`
          : i.scheduledSettlement ? `expires ${dateTime(i.scheduledSettlement.at)} UTC${i.scheduledSettlement.price !== undefined ? ` at ${i.scheduledSettlement.price}` : ' at its mark'}`
          : '';
        const settle = settlement.length ? [h('button', { type: 'button', class: 'mini', 'aria-label': `Settle ${i.symbol}`,
          onclick: () => void run(async () => {
            const price = settlement[0].value.trim();
            await api.request('POST', `/api/v1/admin/instruments/${encodeURIComponent(i.symbol)}/settlement`, { price });
            replaceChildren(notice, `${i.symbol} settled at ${price}: its orders expired, its positions closed`);
          }, loadInstruments) }, 'Settle')] : [];
        return h('tr', { 'data-symbol': i.symbol },
          h('td', null, i.symbol), h('td', null, label(i.assetClass)), h('td', null, i.currency),
          h('td', { class: 'num' }, i.tickSize), h('td', { class: 'num' }, i.lotSize), h('td', { class: 'num' }, i.multiplier),
          h('td', null, status, expiry ? h('span', { class: 'muted', 'data-testid': `expiry-${i.symbol}` }, ` ${expiry}`) : ''),
          h('td', { class: 'actions' }, reference, setReference, ...settlement, ...settle));
      }));
    } catch (e) {
      replaceChildren(instrumentsBody, h('tr', null, h('td', { colspan: 8, class: 'muted' }, errorText(e))));
    }
  };
  const listSymbol = h('input', { name: 'instrument-symbol', autocomplete: 'off', placeholder: 'e.g. NQ' });
  const listClass = h('select', { name: 'instrument-class' }, ASSET_CLASSES.map((c) => h('option', { value: c }, label(c))));
  const listCurrency = h('input', { name: 'instrument-currency', value: 'USD', class: 'narrow' });
  const listPrecision = h('input', { name: 'instrument-price-precision', value: '2', inputmode: 'numeric', class: 'narrow' });
  const listTick = h('input', { name: 'instrument-tick', value: '0.01', inputmode: 'decimal', class: 'narrow' });
  const listLot = h('input', { name: 'instrument-lot', value: '1', inputmode: 'decimal', class: 'narrow' });
  const listMultiplier = h('input', { name: 'instrument-multiplier', value: '1', inputmode: 'decimal', class: 'narrow' });
  const listReference = h('input', { name: 'instrument-reference', inputmode: 'decimal', class: 'narrow', placeholder: 'optional' });
  const listInstrument = h('form', { class: 'inline-form', 'aria-label': 'List instrument', onsubmit: (e: Event) => {
    e.preventDefault();
    const precision = Number(listPrecision.value);
    void run(async () => {
      const reference = listReference.value.trim();
      await api.request('POST', '/api/v1/admin/instruments', {
        symbol: listSymbol.value.trim(), assetClass: listClass.value, currency: listCurrency.value.trim(),
        // A precision that is not a whole number goes as typed: the server names the field.
        pricePrecision: Number.isInteger(precision) ? precision : listPrecision.value,
        tickSize: listTick.value.trim(), lotSize: listLot.value.trim(), multiplier: listMultiplier.value.trim(),
        // With a reference price the simulated market quotes it (docs/api.md).
        ...(reference ? { referencePrice: reference } : {}),
      });
      replaceChildren(notice, `Listed ${listSymbol.value.trim()}`);
    }, loadInstruments);
  } }, field('Symbol', listSymbol), field('Class', listClass), field('Currency', listCurrency),
  field('Price decimals', listPrecision), field('Tick', listTick), field('Lot', listLot),
  field('Multiplier', listMultiplier, 'contract size'), field('Reference price', listReference, 'quoted around it'),
  h('button', { type: 'submit', class: 'primary' }, 'List instrument'));

  void loadUsers();
  void loadKeys();
  void loadLimits();
  void loadInstruments();

  return h('main', { class: 'admin-page', 'aria-label': 'Administration' },
    h('h1', null, 'Administration'), message, notice,
    h('section', { class: 'panel', 'aria-label': 'Users' }, h('header', { class: 'panel-head' }, h('h2', null, 'Users')),
      h('div', { class: 'scroll' }, h('table', { class: 'grid', 'aria-label': 'Users' },
        h('thead', null, h('tr', null, ['User', 'Roles', 'Accounts', '2FA', 'State', ''].map((t) => h('th', { scope: 'col' }, t)))), usersBody)),
      createUser),
    h('section', { class: 'panel', 'aria-label': 'API keys' }, h('header', { class: 'panel-head' }, h('h2', null, 'API keys')),
      h('div', { class: 'scroll' }, h('table', { class: 'grid', 'aria-label': 'API keys' },
        h('thead', null, h('tr', null, ['Key', 'User', 'Label', 'Created', ''].map((t) => h('th', { scope: 'col' }, t)))), keysBody)),
      createKey),
    h('section', { class: 'panel', 'aria-label': 'Risk limits' }, h('header', { class: 'panel-head' }, h('h2', null, 'Risk limits')),
      field('Account', limitsAccount), limitsBox),
    h('section', { class: 'panel', 'aria-label': 'Instruments' }, h('header', { class: 'panel-head' }, h('h2', null, 'Instruments')),
      h('div', { class: 'scroll' }, h('table', { class: 'grid', 'aria-label': 'Instruments' },
        h('thead', null, h('tr', null, ['Symbol', 'Class', 'Currency', 'Tick', 'Lot', 'Multiplier', 'Status', 'Reference price'].map((t) => h('th', { scope: 'col' }, t)))),
        instrumentsBody)),
      listInstrument));
}
