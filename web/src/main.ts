// The dashboard's entry: decides between the login page and the trading screen, loads the
// instruments, starts the live feed and lays out the panels. Routes: / (trading), /admin.
//
// A server without authentication (GET /api/v1/auth/me answers 404) is used in "open mode":
// no login, the demo accounts 1 and 2, every role; a banner says so.
import './styles.css';
import { Api, ApiError } from './api';
import { h, replaceChildren } from './dom';
import { LiveFeed, type FeedMode } from './feed';
import { AppState } from './state';
import type { Instrument, User } from './types';
import { adminView } from './views/admin';
import { Blotter } from './views/blotter';
import { ChartPanel } from './views/chart';
import { DepthLadder } from './views/ladder';
import { loginView } from './views/login';
import { PortfolioPanel } from './views/portfolio';
import { RiskPanel } from './views/risk';
import { StrategiesPanel } from './views/strategies';
import { TimeAndSales } from './views/tape';
import { OrderTicket } from './views/ticket';
import { Watchlist } from './views/watchlist';

const root = document.getElementById('app')!;
const api = new Api();
let feed: LiveFeed | null = null;
let current: AppState | null = null;

function navigate(path: string): void {
  history.pushState(null, '', path);
  void boot();
}
window.addEventListener('popstate', () => void boot());

async function whoAmI(): Promise<{ user: User; open: boolean } | null> {
  try {
    return { user: await api.get<User>('/api/v1/auth/me'), open: false };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { user: { username: 'local', roles: ['admin'], accounts: [1, 2] }, open: true };
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return null;
    throw e;
  }
}

// An admin is granted every account, and /auth/me may list none: the accounts granted to any
// user stand in (the demo accounts 1 and 2 when there are none).
async function adminAccounts(): Promise<number[]> {
  try {
    const { users } = await api.get<{ users: { accounts: number[] }[] }>('/api/v1/admin/users');
    const all = [...new Set(users.flatMap((u) => u.accounts))].sort((a, b) => a - b);
    if (all.length) return all;
  } catch {
    // fall through
  }
  return [1, 2];
}

function showLogin(): void {
  current?.dispose();
  current = null;
  feed?.stop();
  feed = null;
  replaceChildren(root, loginView(api, () => void boot()));
  document.title = 'Sign in · Alphintra';
}

async function boot(): Promise<void> {
  let me: { user: User; open: boolean } | null;
  try {
    me = await whoAmI();
  } catch (e) {
    replaceChildren(root, h('main', { class: 'login-page' }, h('p', { class: 'form-error', role: 'alert' }, `The server cannot be reached: ${(e as Error).message}`),
      h('button', { type: 'button', onclick: () => void boot() }, 'Retry')));
    return;
  }
  if (!me) return showLogin();
  if (!me.user.accounts.length && me.user.roles.includes('admin')) me.user.accounts = await adminAccounts();
  const { instruments } = await api.get<{ instruments: Instrument[] }>('/api/v1/instruments');
  current?.dispose();
  feed?.stop();
  feed = new LiveFeed(api);
  const state = new AppState(api, feed, me.user, instruments, me.open);
  current = state;
  const admin = location.pathname.startsWith('/admin') && state.isAdmin;
  replaceChildren(root, header(state, admin), admin ? adminView(state) : tradingScreen(state));
  document.title = admin ? 'Admin · Alphintra' : `${state.selection.symbol} · Alphintra`;
  feed.start(instruments.map((i) => i.symbol), state.selection.symbol, state.selection.interval);
  state.onSelect((s) => {
    feed?.select(s.symbol, s.interval);
    if (!admin) document.title = `${s.symbol} · Alphintra`;
  });
}

function header(state: AppState, admin: boolean): HTMLElement {
  const connection = h('span', { class: 'conn', role: 'status', 'aria-label': 'Connection', 'data-mode': state.feed.mode }, 'connecting');
  const showMode = (m: FeedMode) => {
    connection.dataset.mode = m;
    connection.textContent = m === 'live' ? 'LIVE' : m === 'polling' ? 'POLLING' : m.toUpperCase();
    connection.title = m === 'live' ? 'Streaming over WebSocket' : m === 'polling' ? 'WebSocket unavailable: polling the REST API' : '';
  };
  state.feed.on('mode', showMode);
  showMode(state.feed.mode);
  const accounts = state.user.accounts;
  const accountSelect = accounts.length > 1
    ? h('label', { class: 'inline-label' }, 'Account',
        h('select', { name: 'account', onchange: (e: Event) => state.select({ account: Number((e.target as HTMLSelectElement).value) }) },
          accounts.map((a) => h('option', { value: a, selected: a === state.selection.account }, String(a)))))
    : h('span', { class: 'muted' }, `Account ${state.selection.account}`);
  const link = (path: string, text: string, current: boolean) =>
    h('a', { href: path, 'aria-current': current ? 'page' : undefined, onclick: (e: Event) => { e.preventDefault(); navigate(path); } }, text);
  return h('header', { class: 'topbar' },
    h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'Alphintra'),
    h('nav', { 'aria-label': 'Main' }, link('/', 'Trade', !admin), state.isAdmin ? link('/admin', 'Admin', admin) : null),
    state.openMode ? h('span', { class: 'banner', role: 'note' }, 'No authentication on this server') : null,
    h('div', { class: 'spacer' }),
    connection,
    accountSelect,
    h('span', { class: 'user', 'data-testid': 'user' }, state.user.username, h('span', { class: 'roles' }, state.user.roles.join(' · '))),
    state.openMode ? null : h('button', { type: 'button', class: 'ghost', onclick: async () => { await api.logout(); history.pushState(null, '', '/'); showLogin(); } }, 'Sign out'));
}

function tradingScreen(state: AppState): HTMLElement {
  const blotter = new Blotter(state);
  const ticket = new OrderTicket(state, (r) => blotter.add(r));
  const chart = new ChartPanel(state);
  const ladder = new DepthLadder(state, (p) => ticket.setPrice(p));
  return h('main', { class: 'workspace' },
    h('div', { class: 'area-watch' }, new Watchlist(state).element),
    h('div', { class: 'area-chart' }, chart.element),
    h('div', { class: 'area-book' }, ladder.element, new TimeAndSales(state).element),
    h('div', { class: 'area-ticket' }, ticket.element),
    h('div', { class: 'area-blotter' }, blotter.element),
    h('div', { class: 'area-portfolio' }, new PortfolioPanel(state).element, new RiskPanel(state).element,
      new StrategiesPanel(state).element));
}

api.onSessionEnded = () => showLogin();
void boot();
