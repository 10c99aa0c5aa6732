// LiveFeed: market data and order updates for the dashboard, from the WebSocket at
// /api/v1/ws when the server has it, else by polling the REST API.
//
// WebSocket: authenticate with the access token, then subscribe quotes and the trading status
// for every watched symbol, trades/book/bars for the selected one and the user's orders. The book is kept here
// from its snapshot and incremental updates (a level with quantity "0" is removed); a gap in
// the sequence numbers resubscribes for a fresh snapshot. A closed socket reconnects with
// back-off. Polling (when the socket cannot be opened): the selected symbol's quote and book
// every 500 ms, the watched quotes every 2 s; trades and the current bar are derived from the
// changes of the last price (their quantities are unknown, so shown as blank and 0).
// Listeners get the full book each time, never a delta.
import { type Api, encodeSymbol } from './api';
import type { Bar, Book, ExecutionReport, Interval, Level, Quote, StatusUpdate, Trade } from './types';
import { INTERVAL_SECONDS } from './types';

export type FeedMode = 'connecting' | 'live' | 'polling' | 'offline';

interface Listeners {
  quote: (q: Quote) => void;
  trade: (t: Trade) => void;
  book: (b: Book) => void;
  bar: (b: Bar) => void;
  order: (r: ExecutionReport) => void;
  status: (s: StatusUpdate) => void;
  mode: (m: FeedMode) => void;
}

type Channel = keyof Omit<Listeners, 'mode'>;

export class LiveFeed {
  mode: FeedMode = 'connecting';
  private listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = {
    quote: new Set(), trade: new Set(), book: new Set(), bar: new Set(), order: new Set(), status: new Set(),
    mode: new Set(),
  };
  private socket: WebSocket | null = null;
  private nextId = 1;
  private authId = 0; // the authenticate request's id; -1 when the socket has no token to send
  private selected = '';
  private interval: Interval = '1m';
  private watched: string[] = [];
  private book: { sequence: number; bids: Map<string, string>; asks: Map<string, string> } | null = null;
  private pollTimers: number[] = [];
  private retryTimer = 0;
  private retryDelay = 1000;
  private stopped = false;
  private lastPolled = new Map<string, string>();
  private polledBar: Bar | null = null;

  constructor(private readonly api: Api) {}

  on<K extends keyof Listeners>(kind: K, fn: Listeners[K]): () => void {
    this.listeners[kind].add(fn);
    return () => this.listeners[kind].delete(fn);
  }

  private emit<K extends keyof Listeners>(kind: K, value: Parameters<Listeners[K]>[0]): void {
    for (const fn of this.listeners[kind]) (fn as (v: typeof value) => void)(value);
  }

  private setMode(mode: FeedMode): void {
    if (this.mode === mode) return;
    this.mode = mode;
    this.emit('mode', mode);
  }

  start(watched: string[], selected: string, interval: Interval): void {
    this.watched = watched;
    this.selected = selected;
    this.interval = interval;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.stopPolling();
    window.clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'logout');
    this.socket = null;
  }

  select(symbol: string, interval: Interval): void {
    const previous = this.selected;
    const previousInterval = this.interval;
    this.selected = symbol;
    this.interval = interval;
    this.book = null;
    this.polledBar = null;
    if (this.socket?.readyState === WebSocket.OPEN && this.mode === 'live') {
      if (previous !== symbol) {
        this.send({ op: 'unsubscribe', channel: 'trades', symbols: [previous] });
        this.send({ op: 'unsubscribe', channel: 'book', symbols: [previous] });
        this.send({ op: 'subscribe', channel: 'trades', symbols: [symbol] });
        this.send({ op: 'subscribe', channel: 'book', symbols: [symbol] });
      }
      this.send({ op: 'unsubscribe', channel: 'bars', symbols: [previous], interval: previousInterval });
      this.send({ op: 'subscribe', channel: 'bars', symbols: [symbol], interval });
    }
  }

  // ---- WebSocket -------------------------------------------------------------------------
  private connect(): void {
    if (this.stopped) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/ws`;
    let opened = false;
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.fallBack();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      opened = true;
      // Live once the server has accepted the token (or, without one, the subscriptions).
      const token = this.api.accessToken;
      if (token) {
        this.authId = this.nextId;
        this.send({ op: 'authenticate', token });
      } else {
        this.authId = -1;
        this.subscribeAll();
      }
    };
    socket.onmessage = (e) => this.onMessage(String(e.data));
    socket.onclose = () => {
      if (this.socket === socket) this.socket = null;
      if (this.stopped) return;
      if (!opened) {
        this.fallBack();
        return;
      }
      // A live socket dropped: poll meanwhile and reconnect with back-off.
      this.fallBack(this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, 30000);
    };
  }

  private fallBack(retryIn = 30000): void {
    if (this.stopped) return;
    if (this.mode !== 'polling') this.startPolling();
    this.setMode('polling');
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.connect(), retryIn);
  }

  private goLive(): void {
    this.retryDelay = 1000;
    this.stopPolling();
    this.setMode('live');
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify({ id: this.nextId++, ...message }));
  }

  private subscribeAll(): void {
    if (this.watched.length) {
      this.send({ op: 'subscribe', channel: 'quotes', symbols: this.watched });
      this.send({ op: 'subscribe', channel: 'status', symbols: this.watched });
    }
    if (this.selected) {
      this.send({ op: 'subscribe', channel: 'trades', symbols: [this.selected] });
      this.send({ op: 'subscribe', channel: 'book', symbols: [this.selected] });
      this.send({ op: 'subscribe', channel: 'bars', symbols: [this.selected], interval: this.interval });
    }
    this.send({ op: 'subscribe', channel: 'orders' });
  }

  private onMessage(text: string): void {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    switch (m.type) {
      case 'ack':
        if (m.id === this.authId) this.subscribeAll();
        if (this.mode !== 'live' && (m.id === this.authId || this.authId === -1)) this.goLive();
        break;
      case 'quote':
        this.emit('quote', m as unknown as Quote);
        break;
      case 'trade':
        if (m.symbol === this.selected) this.emit('trade', m as unknown as Trade);
        break;
      case 'bar':
        if (m.symbol === this.selected && (m.interval === undefined || m.interval === this.interval))
          this.emit('bar', m as unknown as Bar);
        break;
      case 'book':
        if (m.symbol === this.selected) this.applyBook(m);
        break;
      case 'order':
        this.emit('order', m as unknown as ExecutionReport);
        break;
      case 'status':
        this.emit('status', m as unknown as StatusUpdate);
        break;
      case 'error':
        // A refused token or subscription: poll, and try again later (the REST calls refresh
        // an expired token meanwhile).
        if (m.id === this.authId || m.code === 'unauthorized' || m.code === 'invalid_token') this.socket?.close();
        break;
      default:
        break;
    }
  }

  private applyBook(m: Record<string, unknown>): void {
    const sequence = Number(m.sequence);
    const bids = (m.bids as Level[]) ?? [];
    const asks = (m.asks as Level[]) ?? [];
    if (m.snapshot) {
      this.book = { sequence, bids: new Map(), asks: new Map() };
    } else if (!this.book || sequence !== this.book.sequence + 1) {
      // A gap: ask for a fresh snapshot.
      this.book = null;
      this.send({ op: 'unsubscribe', channel: 'book', symbols: [this.selected] });
      this.send({ op: 'subscribe', channel: 'book', symbols: [this.selected] });
      return;
    }
    const book = this.book;
    book.sequence = sequence;
    for (const [side, levels] of [[book.bids, bids], [book.asks, asks]] as const) {
      for (const l of levels) {
        if (Number(l.quantity) === 0) side.delete(l.price);
        else side.set(l.price, l.quantity);
      }
    }
    const toLevels = (side: Map<string, string>, descending: boolean): Level[] =>
      [...side.entries()]
        .map(([price, quantity]) => ({ price, quantity }))
        .sort((a, b) => (descending ? Number(b.price) - Number(a.price) : Number(a.price) - Number(b.price)));
    this.emit('book', { symbol: this.selected, bids: toLevels(book.bids, true), asks: toLevels(book.asks, false) });
  }

  // ---- Polling fallback ------------------------------------------------------------------
  private startPolling(): void {
    this.stopPolling();
    this.pollTimers.push(window.setInterval(() => void this.pollSelected(), 500));
    this.pollTimers.push(window.setInterval(() => void this.pollWatched(), 2000));
    void this.pollSelected();
    void this.pollWatched();
  }

  private stopPolling(): void {
    for (const t of this.pollTimers) window.clearInterval(t);
    this.pollTimers = [];
  }

  private async pollSelected(): Promise<void> {
    const symbol = this.selected;
    if (!symbol) return;
    const [quote, book] = await Promise.allSettled([
      this.api.get<Quote>(`/api/v1/market-data/quote/${encodeSymbol(symbol)}`),
      this.api.get<Book>(`/api/v1/market-data/book/${encodeSymbol(symbol)}?depth=10`),
    ]);
    if (symbol !== this.selected || this.mode !== 'polling') return;
    if (quote.status === 'fulfilled') this.onPolledQuote(quote.value);
    if (book.status === 'fulfilled') this.emit('book', { ...book.value, symbol });
  }

  private async pollWatched(): Promise<void> {
    await Promise.allSettled(
      this.watched
        .filter((s) => s !== this.selected)
        .map(async (s) => {
          const q = await this.api.get<Quote>(`/api/v1/market-data/quote/${encodeSymbol(s)}`);
          if (this.mode === 'polling') this.emit('quote', q);
        }),
    );
  }

  private onPolledQuote(q: Quote): void {
    this.emit('quote', q);
    if (!q.last) return;
    const previous = this.lastPolled.get(q.symbol);
    this.lastPolled.set(q.symbol, q.last);
    if (previous === undefined || previous === q.last) return;
    const nowNs = Date.now() * 1e6;
    const aggressor = Number(q.last) > Number(previous) ? 'buy' : 'sell';
    this.emit('trade', { symbol: q.symbol, price: q.last, quantity: '', aggressor, time: nowNs });
    const step = INTERVAL_SECONDS[this.interval];
    const start = Math.floor(Date.now() / 1000 / step) * step;
    const bar = this.polledBar;
    if (!bar || bar.time !== start) {
      this.polledBar = { time: start, open: previous, high: q.last, low: q.last, close: q.last, volume: '0' };
      if (Number(previous) > Number(q.last)) this.polledBar.high = previous;
      else this.polledBar.low = previous;
    } else {
      bar.close = q.last;
      if (Number(q.last) > Number(bar.high)) bar.high = q.last;
      if (Number(q.last) < Number(bar.low)) bar.low = q.last;
    }
    this.emit('bar', { ...this.polledBar!, symbol: q.symbol, interval: this.interval });
  }
}

export type { Channel };
