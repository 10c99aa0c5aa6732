// The web dashboard end to end in a real browser: `alphintra serve` on a fresh data directory
// (loopback, any free port, the market simulator on) serving web/dist, driven through Debian's
// headless Chromium by playwright-core. Elements are found by role and label, as a screen
// reader would. Each test saves a screenshot.
//
// Usage: node --test-concurrency=1 --test tests/integration/dashboard_test.mjs
//   env ALPHINTRA_BIN         the alphintra program (required)
//       ALPHINTRA_WEB_DIST    the built dashboard (default: web/dist beside this repository)
//       ALPHINTRA_SCREENSHOTS where screenshots go (default: $ALPHINTRA_ARTIFACTS/screenshots,
//                             else build/screenshots)
//       CHROMIUM              the browser (default /usr/bin/chromium)
// The server is stopped by its process id (SIGTERM) when the tests end.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(repo, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const bin = process.env.ALPHINTRA_BIN;
if (!bin) throw new Error('set ALPHINTRA_BIN to the alphintra program');
const webDist = process.env.ALPHINTRA_WEB_DIST ?? join(repo, 'web', 'dist');
const shots =
  process.env.ALPHINTRA_SCREENSHOTS ??
  (process.env.ALPHINTRA_ARTIFACTS ? join(process.env.ALPHINTRA_ARTIFACTS, 'screenshots') : join(repo, 'build', 'screenshots'));
const adminPassword = 'dashboard-test-admin-1';

let server;
let base;
let browser;
let dataDir;
let auth = false; // the server has authentication
let demoUsers = false; // and knows --demo-users
const passwords = {}; // the demo users' passwords, from the server's log

// ---- server ------------------------------------------------------------------------------
function startServer() {
  const help = spawnSync(bin, ['serve', '--help'], { encoding: 'utf8' });
  demoUsers = /--demo-users/.test(help.stdout + help.stderr);
  dataDir = mkdtempSync(join(tmpdir(), 'alphintra-dashboard-'));
  const args = ['serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--durability', 'none', '--web-dir', webDist];
  if (demoUsers) args.push('--demo-users');
  // A live strategy on the demo margin account, for the strategies panel.
  if (/--strategy/.test(help.stdout + help.stderr)) {
    args.push('--strategy', 'sma_cross:account=2,instruments=MSFT,bar=1s,fast=2,slow=3,quantity=1,id=trend');
  }
  const child = spawn(bin, args, { env: { ...process.env, ALPHINTRA_ADMIN_PASSWORD: adminPassword }, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolveStart, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start in 60 s:\n${log}`)), 60000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /serve: listening on (http:\/\/[0-9A-Za-z.:[\]-]+)/.exec(log);
      // "demo users trader / PASSWORD, viewer / PASSWORD, ..." (the log line names them)
      const demo = /demo users ([^"\n]+)/.exec(log);
      if (demo) for (const [, user, password] of demo[1].matchAll(/(\w+) \/ ([^\s,"()]+)/g)) passwords[user] = password;
      if (m && !base) {
        base = m[1];
        clearTimeout(timer);
        resolveStart(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${log}`)));
  });
}

async function waitFor(check, what, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The status of a GET sent as written (fetch would resolve dot segments before sending).
function rawStatus(target) {
  const { hostname, port } = new URL(base);
  return new Promise((resolveStatus, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (d) => (text += d));
    socket.on('end', () => resolveStatus(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1])));
    socket.on('error', reject);
  });
}

let adminToken = null;
async function rest(path, init = {}) {
  const headers = { 'Content-Type': 'application/json', ...(init.headers ?? {}) };
  if (auth && adminToken) headers.Authorization = `Bearer ${adminToken}`;
  const r = await fetch(base + path, { ...init, headers });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

// Whether the engine has a two-sided quote for `symbol` (the simulator quotes it).
async function twoSided(symbol) {
  const q = await rest(`/api/v1/market-data/quote/${encodeURIComponent(symbol)}`);
  return q.status === 200 && Boolean(q.body.bid && q.body.ask);
}

// ---- prices ------------------------------------------------------------------------------
function decimals(text) {
  const i = text.indexOf('.');
  return i < 0 ? 0 : text.length - i - 1;
}
// price + n ticks, exactly, at the tick's precision.
function offsetTicks(price, tick, n) {
  const scale = Math.max(decimals(price), decimals(tick));
  const units = (t) => BigInt(t.replace('.', '')) * 10n ** BigInt(scale - decimals(t));
  let v = units(price) + units(tick) * BigInt(n);
  const s = v.toString().padStart(scale + 1, '0');
  return scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
}

// RFC 6238 code for a base32 secret (SHA-1; digits and period from the otpauth URI).
function totp(secret, uri) {
  const params = new URL(uri).searchParams;
  const digits = Number(params.get('digits') ?? 6);
  const period = Number(params.get('period') ?? 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const key = [];
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      key.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / period)));
  const mac = createHmac('sha1', Buffer.from(key)).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits).padStart(digits, '0');
}

// ---- browser -----------------------------------------------------------------------------
async function openPage(viewport = { width: 1440, height: 900 }) {
  const context = await browser.newContext({ viewport });
  // Generous: the 2-core machine may be building while this runs; a passing step takes ~1 s.
  context.setDefaultTimeout(60000);
  const page = await context.newPage();
  page.outsideRequests = [];
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith(base.replace('http', 'ws')) && !url.startsWith('data:') && !url.startsWith('blob:'))
      page.outsideRequests.push(url);
  });
  page.consoleErrors = [];
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
  await page.goto(base + '/');
  return page;
}

async function signIn(page, username, password) {
  if (!auth) return;
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// One signed-in trader page shared by the trading tests (a sign-in costs an argon2id hash on
// the server); each test starts from a reload, which keeps the session (sessionStorage).
let shared = null;
async function traderPage(viewport) {
  if (!shared) {
    shared = await openPage();
    await signIn(shared, ...traderCredentials());
    await shared.getByRole('form', { name: 'Order ticket' }).waitFor();
  } else {
    if (viewport) await shared.setViewportSize(viewport);
    await shared.reload();
    await shared.getByRole('form', { name: 'Order ticket' }).waitFor();
  }
  shared.outsideRequests.length = 0;
  shared.consoleErrors.length = 0;
  return shared;
}

function traderCredentials() {
  return demoUsers ? ['trader', passwords.trader ?? 'trader'] : ['admin', adminPassword];
}

async function shot(page, name) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function dataNumber(locator, key) {
  return Number((await locator.getAttribute(`data-${key}`)) ?? '0');
}

before(async () => {
  server = await startServer();
  await waitFor(async () => (await fetch(base + '/readyz')).status === 200, 'readiness', 60000);
  const me = await fetch(base + '/api/v1/auth/me');
  auth = me.status !== 404;
  if (auth) {
    const login = await rest('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ username: 'admin', password: adminPassword }) });
    adminToken = login.body?.access_token ?? null;
  }
  await waitFor(async () => (await rest('/api/v1/market-data/quote/AAPL')).status === 200, 'a first AAPL quote');
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    process.kill(server.pid, 'SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('dashboard', () => {
  test('serves the app with its own assets only, and the API beside it', async () => {
    const index = await fetch(base + '/');
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /^text\/html/);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'index.html names its bundle');
    const js = await fetch(base + script);
    assert.match(js.headers.get('content-type'), /^text\/javascript/);
    assert.match(js.headers.get('cache-control'), /immutable/);
    assert.equal((await fetch(base + '/admin')).status, 200, 'a client route gets index.html');
    assert.equal((await fetch(base + '/assets/missing.js')).status, 404);
    for (const target of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc/passwd', '/..%5c..%5cetc/passwd'])
      assert.equal(await rawStatus(target), 400, target);
    assert.equal((await fetch(base + '/api/v1/instruments', { headers: adminToken ? { Authorization: `Bearer ${adminToken}` } : {} })).status, 200);
  });

  test('market view: quotes, book, trades and chart update live', async () => {
    const page = await traderPage();
    const watch = page.getByRole('table', { name: 'Instruments' });
    await watch.getByRole('button', { name: 'Select AAPL' }).click();
    const book = page.getByRole('region', { name: 'Order book' });
    const chart = page.getByRole('region', { name: 'Chart' });
    const tape = page.getByRole('region', { name: 'Time and sales' });
    await book.locator('tr.level.bid').first().waitFor();
    await book.locator('tr.level.ask').first().waitFor();
    const bookUpdates = await dataNumber(book, 'updates');
    await waitFor(async () => (await dataNumber(book, 'updates')) >= bookUpdates + 2, 'two more book updates');
    await waitFor(async () => (await dataNumber(tape, 'trades')) >= 2, 'trades on the tape', 30000);
    await waitFor(async () => (await dataNumber(chart, 'bars')) >= 1, 'a bar on the chart', 30000);
    const aaplLast = watch.locator('tr[data-symbol="AAPL"] td').nth(2);
    assert.match(await aaplLast.textContent(), /^\d+\.\d{2}$/);
    // A halt (by an admin, over REST) shows on the instrument's row at once, and goes with the resume.
    const eth = watch.locator('tr[data-symbol="ETH/USD"]');
    assert.equal(await eth.getAttribute('data-status'), 'continuous');
    assert.equal((await rest('/api/v1/admin/instruments/ETH%2FUSD/status', { method: 'PUT', body: JSON.stringify({ status: 'halted' }) })).status, 200);
    await waitFor(async () => (await eth.getAttribute('data-status')) === 'halted', 'the halt on the market watch');
    assert.equal(await eth.locator('.trading-status').textContent(), 'halted');
    await shot(page, 'instrument-halted');
    assert.equal((await rest('/api/v1/admin/instruments/ETH%2FUSD/status', { method: 'PUT', body: JSON.stringify({ status: 'continuous' }) })).status, 200);
    await waitFor(async () => (await eth.getAttribute('data-status')) === 'continuous', 'the resume on the market watch');
    assert.equal(await eth.locator('.trading-status').textContent(), '');
    // Another interval reloads the chart and is marked pressed.
    await page.getByRole('button', { name: 'Interval 5s' }).click();
    assert.equal(await page.getByRole('button', { name: 'Interval 5s' }).getAttribute('aria-pressed'), 'true');
    await waitFor(async () => (await dataNumber(chart, 'bars')) >= 1, 'a 5s bar', 30000);
    await shot(page, 'market-view');
    assert.deepEqual(page.outsideRequests, [], 'nothing loaded from elsewhere');
    assert.deepEqual(page.consoleErrors, []);
  });

  test('a resting limit order shows in the blotter and is canceled from it', async () => {
    const page = await traderPage();
    const quote = (await rest('/api/v1/market-data/quote/AAPL')).body;
    const price = offsetTicks(quote.bid, '0.01', -500); // $5 below the bid: rests
    const ticket = page.getByRole('form', { name: 'Order ticket' });
    await ticket.getByLabel('Symbol').selectOption('AAPL');
    await ticket.getByText('Buy', { exact: true }).click();
    await ticket.getByLabel('Order type').selectOption('limit');
    await ticket.getByLabel('Quantity').fill('7');
    await ticket.getByLabel('Price', { exact: true }).fill(price);
    await ticket.getByRole('button', { name: 'Place buy order' }).click();
    const message = page.getByTestId('ticket-message');
    await waitFor(async () => /^Order \d+ new$/.test(await message.textContent()), 'the order acknowledged');
    const orderId = /Order (\d+)/.exec(await message.textContent())[1];
    const open = page.getByRole('table', { name: 'Open orders' });
    const row = open.locator(`tr[data-order-id="${orderId}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(`AAPL.*BUY.*limit.*7.*${price.replace('.', '\\.')}`));
    await shot(page, 'order-resting');
    await page.getByRole('button', { name: `Cancel order ${orderId}` }).click();
    await row.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'All orders' }).click();
    const done = page.getByRole('table', { name: 'All orders' }).locator(`tr[data-order-id="${orderId}"]`);
    await waitFor(async () => (await done.getAttribute('data-status')) === 'canceled', 'the order canceled');
    assert.equal((await rest(`/api/v1/orders/${orderId}`)).body.status, 'canceled');
    await shot(page, 'order-canceled');
  });

  test('a marketable limit order fills against the simulator', async () => {
    const page = await traderPage();
    const quote = (await rest('/api/v1/market-data/quote/AAPL')).body;
    const price = offsetTicks(quote.ask, '0.01', 200); // $2 through the ask: crosses
    const ticket = page.getByRole('form', { name: 'Order ticket' });
    await ticket.getByLabel('Symbol').selectOption('AAPL');
    await ticket.getByLabel('Quantity').fill('1');
    await ticket.getByLabel('Price', { exact: true }).fill(price);
    await ticket.getByLabel('Time in force').selectOption('ioc');
    await ticket.getByRole('button', { name: 'Place buy order' }).click();
    const message = page.getByTestId('ticket-message');
    await waitFor(async () => /^Order \d+/.test(await message.textContent()), 'the order acknowledged');
    const orderId = /Order (\d+)/.exec(await message.textContent())[1];
    await page.getByRole('tab', { name: 'All orders' }).click();
    const row = page.getByRole('table', { name: 'All orders' }).locator(`tr[data-order-id="${orderId}"]`);
    await waitFor(async () => (await row.getAttribute('data-status')) === 'filled', 'the order filled', 15000);
    await page.getByRole('tab', { name: 'Fills' }).click();
    const fills = page.getByRole('table', { name: "Today's fills" });
    await waitFor(async () => (await fills.textContent()).includes('AAPL'), 'the fill listed');
    await shot(page, 'order-filled');
  });

  test('the ticket checks tick and lot sizes, and shows a server refusal at its field', async () => {
    const page = await traderPage();
    const ticket = page.getByRole('form', { name: 'Order ticket' });
    // The hint names the instrument's rules, a future's contract multiplier among them.
    const hint = page.getByTestId('ticket-hint');
    await ticket.getByLabel('Symbol').selectOption('ES');
    await waitFor(async () => (await hint.textContent()).includes('×50 a point'), 'the ES multiplier in the hint');
    await ticket.getByLabel('Symbol').selectOption('AAPL');
    await waitFor(async () => !(await hint.textContent()).includes('a point'), 'no multiplier shown for AAPL');
    const quantity = ticket.getByLabel('Quantity');
    const price = ticket.getByLabel('Price', { exact: true });
    await quantity.fill('1.5');
    await price.fill('100.001');
    await ticket.getByRole('button', { name: 'Place buy order' }).click();
    assert.equal(await quantity.getAttribute('aria-invalid'), 'true');
    assert.equal(await price.getAttribute('aria-invalid'), 'true');
    assert.match(await ticket.locator(`#${await quantity.getAttribute('aria-describedby')}`).textContent(), /whole units|lots/);
    assert.match(await ticket.locator(`#${await price.getAttribute('aria-describedby')}`).textContent(), /decimal place|tick/);
    // Valid on the client, refused by the server's risk checks (10 million shares).
    const quote = (await rest('/api/v1/market-data/quote/AAPL')).body;
    await quantity.fill('10000000');
    await price.fill(quote.bid);
    await ticket.getByRole('button', { name: 'Place buy order' }).click();
    const quantityError = ticket.locator(`#${await quantity.getAttribute('aria-describedby')}`);
    await waitFor(async () => (await quantityError.textContent()).length > 0, 'the refusal shown at Quantity');
    assert.equal(await quantity.getAttribute('aria-invalid'), 'true');
    assert.equal(await price.getAttribute('aria-invalid'), null);
    await shot(page, 'ticket-errors');
  });

  test('a viewer sees the market but cannot place orders', async (t) => {
    if (!auth || !demoUsers) return t.skip('the server has no viewer user');
    const page = await openPage();
    await signIn(page, 'viewer', passwords.viewer ?? 'viewer');
    const ticket = page.getByRole('form', { name: 'Order ticket' });
    await ticket.waitFor();
    assert.equal(await ticket.getByRole('button', { name: /Place/ }).isDisabled(), true);
    assert.match(await page.getByTestId('ticket-message').textContent(), /viewer.*cannot place orders/);
    assert.equal(await page.getByRole('button', { name: /^Cancel order/ }).count(), 0);
    // And the server agrees: the viewer's own token is refused.
    const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('alphintra.session')).access);
    const r = await fetch(base + '/api/v1/orders', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ accountId: 1, symbol: 'AAPL', side: 'buy', quantity: '1', price: '1.00' }),
    });
    assert.equal(r.status, 403);
    await shot(page, 'viewer');
    await page.context().close();
  });

  test('sign-in: a wrong password is refused, a second factor is asked for and accepted', async (t) => {
    if (!auth) return t.skip('the server has no authentication');
    const created = await rest('/api/v1/admin/users', {
      method: 'POST',
      body: JSON.stringify({ username: 'mfa-trader', password: 'mfa-trader-pass', roles: ['trader'], accounts: [1] }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const enrolled = await rest('/api/v1/admin/users/mfa-trader/mfa', { method: 'POST' });
    assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
    const page = await openPage();
    await signIn(page, 'mfa-trader', 'wrong-password');
    await page.getByText('Wrong username or password').waitFor();
    await page.getByLabel('Password').fill('mfa-trader-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const code = page.getByLabel('Authentication code');
    await code.waitFor();
    await code.fill(totp(enrolled.body.secret, enrolled.body.otpauth_uri));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('form', { name: 'Order ticket' }).waitFor();
    assert.match(await page.getByTestId('user').textContent(), /mfa-trader/);
    // One account: no account selector.
    assert.equal(await page.getByRole('combobox', { name: 'Account' }).count(), 0);
    await shot(page, 'signed-in-with-mfa');
    await page.context().close();
  });

  test('risk officer: the kill switch halts the account and is reset', async (t) => {
    if (!auth || !demoUsers) return t.skip('the server has no risk user');
    const page = await openPage();
    await signIn(page, 'risk', passwords.risk ?? 'risk');
    const risk = page.getByRole('region', { name: 'Risk' });
    await risk.getByRole('button', { name: 'Kill switch: account 1' }).click();
    await risk.getByRole('button', { name: 'Confirm kill switch' }).click();
    await waitFor(async () => (await risk.getAttribute('data-kill-switch')) === 'true', 'the account halted');
    assert.match(await risk.textContent(), /HALTED/);
    await shot(page, 'kill-switch');
    await risk.getByRole('button', { name: 'Reset account 1' }).click();
    await waitFor(async () => (await risk.getAttribute('data-kill-switch')) === 'false', 'the account trading again');
    await page.context().close();
  });

  test('the strategies panel shows the live strategy, which a trader stops and starts', async (t) => {
    if ((await rest('/api/v1/strategies')).status !== 200) return t.skip('the server runs no strategies');
    const page = await traderPage();
    const panel = page.getByRole('region', { name: 'Strategies' });
    const row = panel.locator('tr[data-strategy="trend"]');
    await row.waitFor();
    assert.match(await row.textContent(), /trend.*sma_cross.*MSFT.*1s.*account 2.*RUNNING/);
    await shot(page, 'strategies');
    await panel.getByRole('button', { name: 'Stop strategy trend' }).click();
    await waitFor(async () => (await row.getAttribute('data-state')) === 'stopped', 'the strategy stopped');
    assert.equal((await rest('/api/v1/strategies/trend')).body.state, 'stopped');
    await panel.getByRole('button', { name: 'Start strategy trend' }).click();
    await waitFor(async () => (await row.getAttribute('data-state')) === 'running', 'the strategy running again');
    assert.equal((await rest('/api/v1/strategies/trend')).body.state, 'running');
  });

  test('admin page: users are listed and a new one is created', async (t) => {
    if (!auth) return t.skip('the server has no authentication');
    const page = await openPage();
    await signIn(page, 'admin', adminPassword);
    await page.getByRole('link', { name: 'Admin' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await users.locator('tr[data-user="admin"]').waitFor();
    const form = page.getByRole('form', { name: 'Create user' });
    await form.getByLabel('Username').fill('desk-viewer');
    await form.getByLabel('Password').fill('desk-viewer-pass');
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByLabel('Accounts').fill('2');
    await form.getByRole('button', { name: 'Create user' }).click();
    const row = users.locator('tr[data-user="desk-viewer"]');
    await row.waitFor();
    assert.equal(await row.getByLabel('Accounts of desk-viewer').inputValue(), '2');
    assert.equal((await rest('/api/v1/admin/users')).body.users.find((u) => u.username === 'desk-viewer').roles[0], 'viewer');
    await shot(page, 'admin');

    // Instruments: a halt and a resume from the status menu, each reaching the engine.
    const instruments = page.getByRole('table', { name: 'Instruments' });
    const statusOf = async (symbol) => (await rest('/api/v1/instruments')).body.instruments.find((i) => i.symbol === symbol)?.status;
    await instruments.locator('tr[data-symbol="SOL/USD"]').waitFor();
    await instruments.getByLabel('Status of SOL/USD').selectOption('halted');
    await waitFor(async () => (await statusOf('SOL/USD')) === 'halted', 'SOL/USD halted');
    await waitFor(async () => (await instruments.getByLabel('Status of SOL/USD').inputValue()) === 'halted', 'the menu shows halted');
    await instruments.getByLabel('Status of SOL/USD').selectOption('continuous');
    await waitFor(async () => (await statusOf('SOL/USD')) === 'continuous', 'SOL/USD resumed');
    // A new listing: a bad multiplier is refused naming the field, a good one is listed.
    const listing = page.getByRole('form', { name: 'List instrument' });
    await listing.getByLabel('Symbol').fill('NQ');
    await listing.getByLabel('Class').selectOption('future');
    await listing.getByLabel('Tick').fill('0.25');
    await listing.getByLabel('Multiplier').fill('0');
    await listing.getByRole('button', { name: 'List instrument' }).click();
    const message = page.getByTestId('admin-message');
    await waitFor(async () => (await message.textContent()).startsWith('multiplier:'), 'the refusal names multiplier');
    await listing.getByLabel('Multiplier').fill('20');
    await listing.getByLabel('Reference price').fill('18000.00');
    await listing.getByRole('button', { name: 'List instrument' }).click();
    const nq = instruments.locator('tr[data-symbol="NQ"]');
    await nq.waitFor();
    assert.match(await nq.textContent(), /Future.*0\.25.*20/);
    const listed = (await rest('/api/v1/instruments')).body.instruments.find((i) => i.symbol === 'NQ');
    assert.equal(listed.multiplier, '20');
    assert.equal(listed.assetClass, 'future');
    // With its reference price the simulated market quotes it.
    await waitFor(() => twoSided('NQ'), 'NQ quoted by the simulator');
    // Listed without a price (RTY), then given one from its row: quoted from then on.
    await listing.getByLabel('Symbol').fill('RTY');
    await listing.getByLabel('Tick').fill('0.10');
    await listing.getByLabel('Multiplier').fill('50');
    await listing.getByLabel('Reference price').fill('');
    await listing.getByRole('button', { name: 'List instrument' }).click();
    const rty = instruments.locator('tr[data-symbol="RTY"]');
    await rty.waitFor();
    await rty.getByLabel('Reference price of RTY', { exact: true }).fill('2000.00');
    await rty.getByRole('button', { name: 'Set the reference price of RTY' }).click();
    await waitFor(() => twoSided('RTY'), 'RTY quoted once given a reference price');
    await nq.scrollIntoViewIfNeeded();
    await shot(page, 'admin-instruments');
    // RTY's final settlement from its row (after the screenshot: each answer re-renders the
    // table): closed for good, a second one refused by the engine.
    await rty.getByLabel('Settlement price of RTY').fill('2001.30');
    await rty.getByRole('button', { name: 'Settle RTY' }).click();
    await waitFor(async () => (await statusOf('RTY')) === 'closed', 'RTY closed by its settlement');
    const notice = page.getByTestId('admin-notice');
    await waitFor(async () => /RTY settled at 2001\.30/.test(await notice.textContent()), 'the settlement noticed');
    await waitFor(async () => /settled at 2001\.30/.test(await page.getByTestId('expiry-RTY').textContent()),
      'the row shows the settlement price');
    await waitFor(async () => (await instruments.getByLabel('Status of RTY').inputValue()) === 'closed',
      'the table reloaded with RTY closed');
    await rty.getByLabel('Settlement price of RTY').fill('2001.30');
    await rty.getByRole('button', { name: 'Settle RTY' }).click();
    await waitFor(async () => /instrument_settled|final settlement/.test(await message.textContent()), 'a second settlement refused');
    assert.equal(await instruments.getByLabel('Settlement price of AAPL').count(), 0);
    // NQ's expiry scheduled (through the API): its row says when, and at what price.
    const scheduled = await rest('/api/v1/admin/instruments/NQ/settlement', {
      method: 'POST', body: JSON.stringify({ at: Date.UTC(2100, 0, 1) * 1e6, price: '18100.00' }) });
    assert.equal(scheduled.status, 200, JSON.stringify(scheduled.body));
    await page.reload();
    await waitFor(async () => /expires 2100-01-01 00:00:00 UTC at 18100\.00/.test(await page.getByTestId('expiry-NQ').textContent()),
      'the row shows the pending expiry');
    await page.context().close();
  });

  test('phone width: one column, no sideways scrolling', async () => {
    const page = await traderPage({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    assert.ok(await page.getByRole('button', { name: 'Place buy order' }).isVisible());
    await shot(page, 'phone');
  });
});
