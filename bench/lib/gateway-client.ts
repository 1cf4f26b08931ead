import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** The few GraphQL calls the gateway benchmark makes, over HTTP and one graphql-ws socket. */
export class GatewayClient {
  readonly url: string;
  private token = '';
  private ws: Client | undefined;

  constructor(url: string) {
    this.url = url;
  }

  /** The bearer token of the last login (a JWT), for another client of a restarted gateway on the same state. */
  get accessToken(): string {
    return this.token;
  }

  /** Uses a token from an earlier login instead of logging in. */
  useToken(token: string): void {
    this.token = token;
  }

  async login(username: string, password: string): Promise<void> {
    const data = await this.request<{ login: { accessToken: string } }>(
      'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }',
      { u: username, p: password },
    );
    this.token = data.login.accessToken;
  }

  async request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(60_000),
    });
    const body = (await res.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    if (body.errors?.length || !body.data) throw new Error(`${body.errors?.[0]?.extensions?.code ?? res.status}: ${body.errors?.[0]?.message ?? 'no data'}`);
    return body.data;
  }

  /** Calls `onData` for every event until the returned function is called. */
  subscribe<T>(query: string, variables: Record<string, unknown>, onData: (data: T) => void, onError: (err: unknown) => void = () => {}): () => void {
    this.ws ??= createClient({
      url: `${this.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${this.token}` },
    });
    return this.ws.subscribe<T>(
      { query, variables },
      { next: (r) => (r.errors?.length ? onError(r.errors[0]) : r.data && onData(r.data as T)), error: onError, complete: () => {} },
    );
  }

  async close(): Promise<void> {
    await this.ws?.dispose();
    this.ws = undefined;
  }
}
