// The dashboard's shared state: who is signed in, the reference data, and the current
// selections (account, instrument, chart interval). Views read it and subscribe to changes.
import type { Api } from './api';
import type { LiveFeed } from './feed';
import type { Instrument, Interval, User } from './types';

export interface Selection {
  account: number;
  symbol: string;
  interval: Interval;
}

export class AppState {
  selection: Selection;
  readonly bySymbol: Map<string, Instrument>;
  private listeners = new Set<(s: Selection, previous: Selection) => void>();
  private timers: number[] = [];

  constructor(
    readonly api: Api,
    readonly feed: LiveFeed,
    readonly user: User,
    readonly instruments: Instrument[],
    readonly openMode: boolean, // the server has no authentication
  ) {
    this.bySymbol = new Map(instruments.map((i) => [i.symbol, i]));
    const saved = sessionStorage.getItem('alphintra.selection');
    const parsed = saved ? (JSON.parse(saved) as Partial<Selection>) : {};
    const symbol = parsed.symbol && this.bySymbol.has(parsed.symbol) ? parsed.symbol : (instruments[0]?.symbol ?? '');
    const account = parsed.account && user.accounts.includes(parsed.account) ? parsed.account : (user.accounts[0] ?? 0);
    this.selection = { account, symbol, interval: parsed.interval ?? '1m' };
  }

  get instrument(): Instrument | undefined {
    return this.bySymbol.get(this.selection.symbol);
  }

  hasRole(...roles: string[]): boolean {
    return this.user.roles.some((r) => roles.includes(r));
  }
  get canTrade(): boolean {
    return this.hasRole('admin', 'trader');
  }
  get canKill(): boolean {
    return this.hasRole('admin', 'risk_officer');
  }
  get isAdmin(): boolean {
    return this.hasRole('admin');
  }

  select(change: Partial<Selection>): void {
    const previous = this.selection;
    this.selection = { ...previous, ...change };
    sessionStorage.setItem('alphintra.selection', JSON.stringify(this.selection));
    for (const fn of this.listeners) fn(this.selection, previous);
  }

  // A periodic task that ends with the screen (dispose()).
  every(ms: number, fn: () => void): void {
    this.timers.push(window.setInterval(fn, ms));
  }

  dispose(): void {
    for (const t of this.timers) window.clearInterval(t);
    this.timers = [];
    this.listeners.clear();
  }

  onSelect(fn: (s: Selection, previous: Selection) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
