// The shapes of the server's JSON (docs/api.md and the REST/WebSocket contract). Prices,
// quantities and money are decimal strings; times of engine events are nanoseconds since the
// epoch, bar times seconds.
export interface Instrument {
  id: number;
  symbol: string;
  venue: string;
  assetClass: string;
  currency: string;
  pricePrecision: number;
  quantityPrecision: number;
  tickSize: string;
  lotSize: string;
  minQuantity: string;
  maxQuantity?: string;
  multiplier: string; // contract multiplier: money per price unit per unit of quantity (ES "50")
  status: string;
  settlementPrice?: string; // a future's final settlement price, once settled
  scheduledSettlement?: { at: number; price?: string }; // a future's pending expiry
}

// An instrument's trading status (the WebSocket status channel).
export interface StatusUpdate {
  symbol: string;
  status: string;
  time: number;
}

export interface User {
  username: string;
  roles: string[];
  accounts: number[];
}

export interface LoginAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
  user: User;
}

export interface Quote {
  symbol: string;
  bid?: string;
  bidQuantity?: string;
  ask?: string;
  askQuantity?: string;
  last?: string;
  time?: number;
}

export interface Level {
  price: string;
  quantity: string;
}

export interface Book {
  symbol: string;
  bids: Level[];
  asks: Level[];
  last?: string;
}

export interface Trade {
  symbol: string;
  price: string;
  quantity: string;
  aggressor?: 'buy' | 'sell';
  time: number; // ns
}

export interface Bar {
  symbol?: string;
  interval?: string;
  time: number; // epoch seconds
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export interface ExecutionReport {
  orderId: number;
  account: number;
  accountId?: number;
  symbol: string;
  clientOrderId?: string;
  execId?: number;
  execType: string;
  status: string;
  side: 'buy' | 'sell';
  orderType: string;
  timeInForce: string;
  price?: string;
  stopPrice?: string;
  quantity: string;
  cumQuantity: string;
  leavesQuantity: string;
  lastQuantity?: string;
  lastPrice?: string;
  averagePrice?: string;
  time?: number;
  reason?: { source: string; code: string; message: string; unit?: string };
}

export interface Fill {
  orderId: number;
  clientOrderId?: string;
  accountId: number;
  symbol: string;
  side: 'buy' | 'sell';
  price: string;
  quantity: string;
  fee?: string;
  feeCurrency?: string;
  liquidity?: string;
  time: number;
}

export interface Position {
  symbol: string;
  quantity: string;
  averagePrice: string;
  marketPrice: string;
  marketValue: string;
  realizedPnl: string;
  unrealizedPnl: string;
}

export interface Portfolio {
  accountId: number;
  currency: string;
  totalValue: string;
  cash: string;
  marginUsed: string;
  realizedPnl: string;
  unrealizedPnl: string;
  positions: Position[];
}

export interface RiskLimitUsage {
  name: string;
  limit: string;
  used: string;
}

export interface RiskView {
  accountId: number;
  currency: string;
  grossExposure: string;
  netExposure: string;
  leverage: string;
  openOrders: number;
  tradingState: string;
  killSwitch: boolean;
  limits: RiskLimitUsage[];
  [extra: string]: unknown; // VaR and other figures when the server has them
}

export interface AdminUser {
  username: string;
  roles: string[];
  accounts: number[];
  mfa: boolean;
  disabled: boolean;
}

export interface ApiKey {
  keyId: string;
  username: string;
  label: string;
  created: string | number;
}

export const OPEN_STATUSES = new Set(['new', 'partially_filled', 'pending_new', 'pending_cancel', 'pending_replace', 'replaced']);
export const INTERVALS = ['1s', '5s', '15s', '1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Interval = (typeof INTERVALS)[number];
export const INTERVAL_SECONDS: Record<Interval, number> = {
  '1s': 1, '5s': 5, '15s': 15, '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '4h': 14400, '1d': 86400,
};
