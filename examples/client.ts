/**
 * A small typed wamux client: GraphQL over HTTP for queries and mutations, graphql-ws for
 * subscriptions, both typed by the documents codegen writes into ./generated. It logs in with a
 * username and password and keeps the access token fresh with the refresh token, so a long-running
 * bot never holds an expired one. The gateway ends a subscription when the token it was opened with
 * expires (UNAUTHENTICATED), so after each refresh the client reopens its socket with the new token
 * and graphql-ws resubscribes every live subscription on it. Runs on plain `node` (Node 24 strips the types).
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { LoginDocument, RefreshTokenDocument, type LoginMutation, type TypedDocumentString } from './generated/graphql.ts';

export interface GraphQLErrorPayload {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** An answer with errors: `code` is the first error's `extensions.code` (see the ErrorCode enum). */
export class WamuxError extends Error {
  readonly code: string | undefined;
  readonly errors: GraphQLErrorPayload[];
  constructor(errors: GraphQLErrorPayload[]) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
    this.name = 'WamuxError';
    this.code = errors[0]?.extensions?.code;
    this.errors = errors;
  }
}

type Tokens = LoginMutation['login'];

/** Refresh this long before the access token expires (or halfway, for very short lifetimes). */
const REFRESH_MARGIN_MS = 60_000;
/** After a failed refresh (gateway restarting), try again this soon. */
const REFRESH_RETRY_MS = 5_000;

export class WamuxClient {
  readonly httpUrl: string;
  readonly ws: Client;
  private tokens: Tokens | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** The open socket, to reopen it with a fresh token. */
  private socket: WebSocket | undefined;
  private reopening = false;
  /** The access token the current socket connected with. */
  private connectedWith: string | undefined;
  private refreshing: Promise<void> | undefined;

  private readonly onTokens: ((accessTokenExpiresAt: string) => void) | undefined;

  /**
   * `baseUrl` is the gateway's root, e.g. `http://localhost:2121`; `onTokens` hears of every login
   * and refresh; `retryAttempts` bounds the reconnects after a lost connection (default 6: waits of
   * 1, 2, 4, … 32 s plus jitter, over a minute in all, enough for a gateway restart).
   */
  constructor(baseUrl: string, options: { onTokens?: (accessTokenExpiresAt: string) => void; retryAttempts?: number } = {}) {
    this.onTokens = options.onTokens;
    this.httpUrl = new URL('/graphql', baseUrl).toString();
    this.ws = createClient({
      url: this.httpUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      // Read at every (re)connect, so a reconnect after a refresh presents the current token.
      connectionParams: () => {
        this.connectedWith = this.tokens?.accessToken;
        return { authorization: `Bearer ${this.tokens?.accessToken ?? ''}` };
      },
      lazy: true,
      // Ride out a gateway restart: retry lost connections and refused connects alike (graphql-ws'
      // randomised exponential backoff), then resubscribe every live subscription.
      retryAttempts: options.retryAttempts ?? 6,
      shouldRetry: () => true,
      // A reopen after a refresh reconnects at once; anything else waits graphql-ws' backoff.
      retryWait: (retries) => (this.reopening ? Promise.resolve() : backoff(retries)),
      on: {
        opened: (socket) => (this.socket = socket as WebSocket),
        connected: () => (this.reopening = false),
        closed: () => (this.socket = undefined),
      },
    });
  }

  /** Queries and mutations over HTTP POST; throws a WamuxError when the answer has errors. */
  async request<R, V>(document: TypedDocumentString<R, V>, variables?: V): Promise<R> {
    const res = await fetch(this.httpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(this.tokens ? { authorization: `Bearer ${this.tokens.accessToken}` } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    const body = (await res.json()) as { data?: R | null; errors?: GraphQLErrorPayload[] };
    if (body.errors?.length || !body.data) throw new WamuxError(body.errors ?? [{ message: `no data (HTTP ${res.status})` }]);
    return body.data;
  }

  /**
   * One subscription over graphql-ws; `onData` gets every event. `onEnd` hears when the stream stops
   * for good: an error, or the server completing it (as it does when shutting down). Brief network
   * drops are retried by the client and resubscribed. Returns the unsubscribe function.
   */
  subscribe<R, V>(document: TypedDocumentString<R, V>, variables: V, onData: (data: R) => void | Promise<void>, onEnd: (err?: unknown) => void): () => void {
    let stopped = false;
    let unsubscribe = () => {};
    const start = () => {
      // Set once this attempt ended with an expired credential: its `complete` is not the end.
      let renewing = false;
      unsubscribe = this.ws.subscribe<R>(
        { query: document.toString(), variables: variables as Record<string, unknown> },
        {
          next: (result) => {
            if (result.errors?.length) {
              const err = new WamuxError(result.errors as GraphQLErrorPayload[]);
              // The gateway ends a subscription when the token its socket presented expires (or a
              // refresh came too late): get a fresh token, reopen the socket, subscribe again.
              if (err.code === 'UNAUTHENTICATED' && !stopped) {
                renewing = true;
                return void this.renew().then(() => !stopped && start(), onEnd);
              }
              return onEnd(err);
            }
            if (result.data) Promise.resolve(onData(result.data)).catch(onEnd);
          },
          // An `error` message carries GraphQL errors (an array); a lost connection, its close or error event.
          error: (err) => onEnd(Array.isArray(err) ? new WamuxError(err as GraphQLErrorPayload[]) : (err ?? new Error('subscription failed'))),
          complete: () => renewing || onEnd(),
        },
      );
    };
    start();
    return () => {
      stopped = true;
      unsubscribe();
    };
  }

  async login(username: string, password: string): Promise<void> {
    this.useTokens((await this.request(LoginDocument, { username, password })).login);
  }

  private useTokens(tokens: Tokens): void {
    const refreshed = this.tokens !== undefined;
    this.tokens = tokens;
    if (refreshed) this.reopenSocket();
    this.onTokens?.(tokens.accessTokenExpiresAt);
    const lifetime = Date.parse(tokens.accessTokenExpiresAt) - Date.now();
    this.scheduleRefresh(Math.max(1_000, lifetime > 2 * REFRESH_MARGIN_MS ? lifetime - REFRESH_MARGIN_MS : lifetime / 2));
  }

  /** One refresh at a time: two with the same refresh token would look like theft and end the login. */
  private refresh(): Promise<void> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) return Promise.reject(new Error('not logged in'));
    this.refreshing ??= this.request(RefreshTokenDocument, { token: refreshToken })
      .then(({ refreshToken: tokens }) => this.useTokens(tokens))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private scheduleRefresh(delayMs: number): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refresh().catch((err: unknown) => {
        // Unreachable (restarting) or refused: keep the same refresh token and try again. A
        // refused one stays refused; the next request then fails with UNAUTHENTICATED and says so.
        console.error(`token refresh failed, retrying in ${REFRESH_RETRY_MS / 1000} s: ${err instanceof Error ? err.message : String(err)}`);
        this.scheduleRefresh(REFRESH_RETRY_MS);
      });
    }, delayMs);
    // A pending refresh alone does not keep the process alive.
    this.refreshTimer.unref();
  }

  /**
   * A subscription was ended for an expired token: when the socket already has the newest token,
   * that one is dead and a refresh (which reopens the socket) is due; otherwise the socket still
   * carries an older token and only needs reopening.
   */
  private async renew(): Promise<void> {
    if (this.connectedWith === this.tokens?.accessToken) await this.refresh();
    else this.reopenSocket();
  }

  /**
   * The socket presents its token once, when it connects: a new token reaches the subscriptions only
   * on a new socket. Closing with 4205 (graphql-ws' "client restart", not fatal) makes the client
   * reconnect with the current token and resubscribe everything that was live, before the old token
   * expires and the gateway would end those subscriptions.
   */
  private reopenSocket(): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    this.reopening = true;
    this.socket.close(4205, 'token refreshed');
  }

  async dispose(): Promise<void> {
    clearTimeout(this.refreshTimer);
    await this.ws.dispose();
  }
}

/** graphql-ws' default wait before retry `retries`: 1 s doubling, plus up to 3 s of jitter. */
function backoff(retries: number): Promise<void> {
  const ms = 1000 * 2 ** retries + Math.floor(Math.random() * 2_700 + 300);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
