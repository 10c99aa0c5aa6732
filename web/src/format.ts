// Display formatting. Decimal strings from the server are shown as they are (they are exact
// and already at the instrument's precision); only grouping and signs are added here.
export function group(text: string | undefined): string {
  if (text === undefined || text === null || text === '') return '—';
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(String(text));
  if (!m) return String(text);
  return `${m[1]}${m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}

export function signClass(text: string | undefined): string {
  const v = Number(text);
  return v > 0 ? 'up' : v < 0 ? 'down' : '';
}

export function timeOfDay(ns: number | undefined): string {
  if (!ns) return '—';
  const d = new Date(ns / 1e6);
  const ms = String(d.getMilliseconds()).padStart(3, '0');
  return `${d.toLocaleTimeString('en-GB', { hour12: false })}.${ms}`;
}

export function dateTime(value: number | string | undefined): string {
  if (value === undefined) return '—';
  const n = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(n)) return String(value);
  // Nanoseconds, milliseconds or seconds since the epoch, by magnitude.
  const ms = n > 1e17 ? n / 1e6 : n > 1e11 ? n : n * 1000;
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function percent(used: string, limit: string): number {
  const u = Math.abs(Number(used));
  const l = Math.abs(Number(limit));
  if (!Number.isFinite(u) || !Number.isFinite(l) || l === 0) return 0;
  return Math.min(100, (u / l) * 100);
}

// A server name as a heading: max_open_orders → Max open orders, maxOpenOrders → Max Open Orders;
// abbreviations stay capitals (fx → FX).
const ABBREVIATIONS: Record<string, string> = { fx: 'FX' };
export function label(text: string): string {
  if (ABBREVIATIONS[text]) return ABBREVIATIONS[text];
  return text.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}
