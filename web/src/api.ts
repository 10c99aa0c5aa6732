// The REST client: JSON in and out, the bearer token on every request, one refresh and retry
// when the access token has expired, and errors as ApiError carrying the server's
// {code, message, field} so that forms can show them next to the field.
import type { LoginAnswer, User } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface Tokens {
  access: string;
  refresh: string;
}

const storageKey = 'alphintra.session';

export class Api {
  private tokens: Tokens | null = null;
  private refreshing: Promise<boolean> | null = null;
  // Called when the session is over (refresh refused): the app goes back to the login page.
  onSessionEnded: () => void = () => {};

  constructor() {
    try {
      const saved = sessionStorage.getItem(storageKey);
      if (saved) this.tokens = JSON.parse(saved) as Tokens;
    } catch {
      this.tokens = null;
    }
  }

  get accessToken(): string | null {
    return this.tokens?.access ?? null;
  }

  get hasSession(): boolean {
    return this.tokens !== null;
  }

  private save(tokens: Tokens | null): void {
    this.tokens = tokens;
    if (tokens) sessionStorage.setItem(storageKey, JSON.stringify(tokens));
    else sessionStorage.removeItem(storageKey);
  }

  async login(username: string, password: string, mfaToken?: string): Promise<User> {
    const body: Record<string, string> = { username, password };
    if (mfaToken) body.mfa_token = mfaToken;
    const answer = await this.request<LoginAnswer>('POST', '/api/v1/auth/login', body, false);
    this.save({ access: answer.access_token, refresh: answer.refresh_token });
    return answer.user;
  }

  async logout(): Promise<void> {
    const refresh = this.tokens?.refresh;
    this.save(null);
    if (refresh) await this.request('POST', '/api/v1/auth/logout', { refresh_token: refresh }, false).catch(() => {});
  }

  private refresh(): Promise<boolean> {
    if (!this.tokens) return Promise.resolve(false);
    this.refreshing ??= this.request<LoginAnswer>('POST', '/api/v1/auth/refresh', { refresh_token: this.tokens.refresh }, false)
      .then((answer) => {
        this.save({ access: answer.access_token, refresh: answer.refresh_token });
        return true;
      })
      .catch(() => {
        this.save(null);
        return false;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  async request<T>(method: string, path: string, body?: unknown, authenticate = true): Promise<T> {
    const sentWith = this.tokens?.access;
    const answer = await this.send(method, path, body, authenticate);
    if (answer.status === 401 && authenticate && this.tokens) {
      // Expired (or otherwise refused) access token: one refresh, then the request again; no
      // refresh when another request has already replaced the token this one was sent with.
      const fresh = this.tokens.access !== sentWith || (await this.refresh());
      if (fresh) return this.parse<T>(await this.send(method, path, body, true));
      this.onSessionEnded();
      return this.parse<T>(answer);
    }
    return this.parse<T>(answer);
  }

  private send(method: string, path: string, body: unknown, authenticate: boolean): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (authenticate && this.tokens) headers.Authorization = `Bearer ${this.tokens.access}`;
    return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  private async parse<T>(answer: Response): Promise<T> {
    const text = await answer.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!answer.ok) {
      const e = (json ?? {}) as Record<string, unknown>;
      throw new ApiError(
        answer.status,
        typeof e.code === 'string' ? e.code : `http_${answer.status}`,
        typeof e.message === 'string' && e.message ? e.message : `${answer.status} ${answer.statusText}`,
        typeof e.field === 'string' ? e.field : '',
        e,
      );
    }
    return json as T;
  }
}

export function encodeSymbol(symbol: string): string {
  return encodeURIComponent(symbol);
}
