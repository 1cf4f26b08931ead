import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from '../generated/graphql.ts';

/** A GraphQL error as the console shows it: the API's `extensions.code` and its message. */
export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

interface GraphQLResponse<R> {
  data?: R | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

function firstError<R>(body: GraphQLResponse<R>, status: number): ApiError | undefined {
  const err = body.errors?.[0];
  if (err) return new ApiError(err.extensions?.code ?? 'ERROR', err.message);
  if (!body.data) return new ApiError('HTTP_ERROR', `the gateway answered ${status} without data`);
  return undefined;
}

/** Where the gateway is: the page's own origin (the console is served by the gateway it drives). */
const GRAPHQL_PATH = '/graphql';

/**
 * The console's one way to the gateway: GraphQL over HTTP (queries, mutations, uploads) and over
 * graphql-ws (subscriptions), both authorised with whatever token `token()` returns at call time,
 * so a refreshed access token is used from the next request and the next socket on.
 */
export class Api {
  private readonly token: () => string | undefined;
  /**
   * The graphql-ws socket of the current token. The gateway checks a socket's credential at connect
   * and again for every new operation, so after a refresh new subscriptions go to a new socket; the
   * old one keeps serving the subscriptions it has and is closed when the last of them ends.
   */
  private socket: Socket | undefined;

  constructor(token: () => string | undefined) {
    this.token = token;
  }

  private headers(): Record<string, string> {
    const token = this.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  async request<R, V>(document: TypedDocumentString<R, V>, ...[variables]: V extends Record<string, never> ? [] | [V] : [V]): Promise<R> {
    const body = JSON.stringify({ query: document.toString(), variables: variables ?? {} });
    return this.send<R>({ method: 'POST', headers: { 'content-type': 'application/json', ...this.accept(), ...this.headers() }, body });
  }

  /** One operation with one file, per the GraphQL multipart request spec; `path` names the variable holding it. */
  async upload<R, V>(document: TypedDocumentString<R, V>, variables: V, path: string, file: File): Promise<R> {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: document.toString(), variables }));
    form.append('map', JSON.stringify({ 0: [path] }));
    form.append('0', file, file.name);
    return this.send<R>({ method: 'POST', headers: { ...this.accept(), ...this.headers() }, body: form });
  }

  private accept() {
    return { accept: 'application/graphql-response+json, application/json' };
  }

  private async send<R>(init: RequestInit): Promise<R> {
    let res: Response;
    try {
      res = await fetch(GRAPHQL_PATH, init);
    } catch (err) {
      throw new ApiError('NETWORK_ERROR', `cannot reach the gateway: ${(err as Error).message}`);
    }
    let body: GraphQLResponse<R>;
    try {
      body = (await res.json()) as GraphQLResponse<R>;
    } catch {
      throw new ApiError('HTTP_ERROR', `the gateway answered ${res.status} ${res.statusText}`);
    }
    const error = firstError(body, res.status);
    if (error) throw error;
    return body.data as R;
  }

  /**
   * A subscription over the shared graphql-ws socket. `onData` gets each payload; `onError` an
   * ApiError (the subscription has ended). Returns the unsubscribe function. `variables` may be a
   * function: it is called at every (re)start, so a stream resumed after a token renewal can ask
   * for what it missed (e.g. `after:` the last cursor seen).
   */
  subscribe<R, V>(document: TypedDocumentString<R, V>, variables: V | (() => V), onData: (data: R) => void, onError: (err: ApiError) => void): () => void {
    let ended = false;
    let stopCurrent = () => {};
    const start = () => {
      const socket = this.ws();
      socket.active++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        socket.active--;
        if (socket !== this.socket && socket.active === 0) void socket.client.dispose();
      };
      // The gateway ends a stream when the access token it was opened with expires. When the session
      // has renewed the token since, the stream goes on over a socket opened with the new one.
      const failed = (error: ApiError) => {
        unsubscribe();
        release();
        if (ended) return;
        if (error.code === 'UNAUTHENTICATED' && this.token() && this.token() !== socket.token) start();
        else onError(error);
      };
      const unsubscribe = socket.client.subscribe<R>(
        { query: document.toString(), variables: (typeof variables === 'function' ? (variables as () => V)() : variables) as Record<string, unknown> },
        {
          next: (result) => {
            const error = firstError(result as GraphQLResponse<R>, 200);
            if (error) failed(error);
            else onData(result.data as R);
          },
          error: (err) => failed(socketError(err)),
          complete: release,
        },
      );
      stopCurrent = () => {
        unsubscribe();
        release();
      };
    };
    start();
    return () => {
      ended = true;
      stopCurrent();
    };
  }

  private ws(): Socket {
    const token = this.token();
    if (this.socket && this.socket.token === token) return this.socket;
    const previous = this.socket;
    this.socket = {
      token,
      active: 0,
      client: createClient({
        url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${GRAPHQL_PATH}`,
        // Read at every (re)connect: a socket that reconnects after a refresh carries the new access token.
        connectionParams: () => this.headers(),
        lazy: true,
        // A gateway restart or a flaky network: keep trying, the live views resume when it is back.
        retryAttempts: Number.POSITIVE_INFINITY,
        shouldRetry: () => true,
      }),
    };
    if (previous && previous.active === 0) void previous.client.dispose();
    return this.socket;
  }

  /** Closes the socket (sign-out): the next subscription opens a new one with the new credential. */
  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    await socket?.client.dispose();
  }

  /** A GET on one of the gateway's own non-GraphQL routes (media download, /readyz, the sandbox control API). */
  async raw(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(path, { ...init, headers: { ...this.headers(), ...(init.headers as Record<string, string> | undefined) } });
    } catch (err) {
      throw new ApiError('NETWORK_ERROR', `cannot reach the gateway: ${(err as Error).message}`);
    }
  }
}

interface Socket {
  client: Client;
  /** The access token current when it opened. */
  token: string | undefined;
  /** Subscriptions it carries. */
  active: number;
}

function socketError(err: unknown): ApiError {
  if (Array.isArray(err) && err[0]?.message) return new ApiError(err[0].extensions?.code ?? 'ERROR', err[0].message);
  if (err && typeof err === 'object' && 'code' in err && 'reason' in err) {
    const close = err as { code: number; reason: string };
    return new ApiError(close.code === 4403 ? 'UNAUTHENTICATED' : 'SOCKET_CLOSED', close.reason || `the live connection closed (${close.code})`);
  }
  return new ApiError('SOCKET_ERROR', err instanceof Error ? err.message : 'the live connection failed');
}

/** Any thrown value as text a person can act on. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  if (err instanceof Error) return err.message;
  return String(err);
}
