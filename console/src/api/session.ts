import { ConsoleLoginDocument, ConsoleLogoutDocument, ConsoleMeDocument, ConsoleRefreshDocument, type Role } from '../generated/graphql.ts';
import { Api } from './client.ts';

export interface SignedIn {
  username: string;
  role: Role;
  userId: string;
  /** How the person signed in: an API key has no refresh token and no logout. */
  via: 'password' | 'apiKey';
}

interface Tokens {
  access: string;
  refresh?: string;
  expiresAt?: number;
}

/**
 * The signed-in person. Tokens live in memory only (a reload asks again): nothing a script injected
 * into the page later could read from storage. The access token is refreshed a minute before it
 * expires (or at 80% of a short lifetime); a failed refresh signs out.
 */
export class Session {
  readonly api: Api;
  private tokens: Tokens | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onChange: (who: SignedIn | undefined, reason?: string) => void;

  constructor(onChange: (who: SignedIn | undefined, reason?: string) => void) {
    this.onChange = onChange;
    this.api = new Api(() => this.tokens?.access);
  }

  async signIn(username: string, password: string): Promise<SignedIn> {
    const { login } = await this.api.request(ConsoleLoginDocument, { username, password });
    this.useTokens({ access: login.accessToken, refresh: login.refreshToken, expiresAt: Date.parse(login.accessTokenExpiresAt) });
    return this.announce({ username: login.user.username, role: login.user.role, userId: login.user.id, via: 'password' });
  }

  async signInWithKey(key: string): Promise<SignedIn> {
    this.tokens = { access: key };
    try {
      const { me } = await this.api.request(ConsoleMeDocument);
      return this.announce({ username: me.username, role: me.role, userId: me.id, via: 'apiKey' });
    } catch (err) {
      this.tokens = undefined;
      throw err;
    }
  }

  async signOut(): Promise<void> {
    const refresh = this.tokens?.refresh;
    try {
      if (refresh) await this.api.request(ConsoleLogoutDocument, { refreshToken: refresh });
    } finally {
      this.clear();
      this.onChange(undefined);
    }
  }

  /** The current access token (the sandbox panel and media previews send it on plain HTTP requests). */
  get token(): string | undefined {
    return this.tokens?.access;
  }

  private announce(who: SignedIn): SignedIn {
    this.onChange(who);
    return who;
  }

  private useTokens(tokens: Tokens): void {
    this.tokens = tokens;
    clearTimeout(this.timer);
    if (!tokens.refresh || !tokens.expiresAt) return;
    const left = tokens.expiresAt - Date.now();
    // A minute before expiry; a short-lived token (JWT_ACCESS_TTL of a few minutes or less) at 80% of its life.
    const inMs = Math.max(1_000, left > 300_000 ? left - 60_000 : left * 0.8);
    this.timer = setTimeout(() => void this.refresh(), inMs);
  }

  private async refresh(): Promise<void> {
    const token = this.tokens?.refresh;
    if (!token) return;
    try {
      const { refreshToken } = await this.api.request(ConsoleRefreshDocument, { token });
      this.useTokens({ access: refreshToken.accessToken, refresh: refreshToken.refreshToken, expiresAt: Date.parse(refreshToken.accessTokenExpiresAt) });
    } catch (err) {
      this.clear();
      this.onChange(undefined, `Signed out: the session could not be renewed (${(err as Error).message}).`);
    }
  }

  private clear(): void {
    clearTimeout(this.timer);
    this.tokens = undefined;
    void this.api.close();
  }
}
