import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { InstancesDocument, type TypedDocumentString } from '../graphql/generated/graphql.ts';
import { Waiter } from './waiter.ts';
import { EVENT_WAIT_MS } from './budget.ts';

/** An error as it arrives in a GraphQL response. */
export interface ResponseError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface Response<R> {
  status: number;
  data?: R | null;
  errors?: ResponseError[];
}

export class GraphQLResponseError extends Error {
  readonly errors: ResponseError[];
  constructor(errors: ResponseError[]) {
    super(`GraphQL errors: ${errors.map((e) => `${e.extensions?.code ?? '?'}: ${e.message}`).join('; ')}`);
    this.errors = errors;
  }
}

/** Typed GraphQL over HTTP POST, with the generated documents. */
export class HttpGraphQLClient {
  readonly url: string;
  /** Sent as `Authorization: Bearer …` when set. */
  token: string | undefined;
  constructor(url: string, token?: string) {
    this.url = url;
    this.token = token;
  }

  /** The same endpoint with another credential (or none). */
  as(token: string | undefined): HttpGraphQLClient {
    return new HttpGraphQLClient(this.url, token);
  }

  async request<R, V>(document: TypedDocumentString<R, V>, variables?: V): Promise<Response<R>> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    const body = (await res.json()) as Omit<Response<R>, 'status'>;
    return { status: res.status, ...body };
  }

  /** The data; throws with every error when the response has any. */
  async ok<R, V>(document: TypedDocumentString<R, V>, variables?: V): Promise<R> {
    const { data, errors } = await this.request(document, variables);
    if (errors?.length || !data) throw new GraphQLResponseError(errors ?? [{ message: 'no data' }]);
    return data;
  }

  /** The first error; throws when the operation unexpectedly succeeded. */
  async fail<R, V>(document: TypedDocumentString<R, V>, variables?: V): Promise<ResponseError & { status: number }> {
    const { status, data, errors } = await this.request(document, variables);
    if (!errors?.length) throw new Error(`expected an error, got ${JSON.stringify(data)}`);
    return { status, ...errors[0]! };
  }
}

/**
 * One graphql-ws subscription whose results are buffered, so a test can wait for "the next event
 * matching X" without racing the socket.
 */
export class Subscription<R> {
  readonly results: Array<{ data?: R | null; errors?: ResponseError[] }> = [];
  private cursor = 0;
  private ended: { error?: unknown } | undefined;
  private readonly waiter = new Waiter();
  private readonly dispose: () => void;

  constructor(client: Client, query: string, variables: unknown) {
    this.dispose = client.subscribe<R>(
      { query, variables: variables as Record<string, unknown> | undefined },
      {
        next: (result) => this.push(() => this.results.push(result as (typeof this.results)[number])),
        error: (error) => this.push(() => (this.ended = { error })),
        complete: () => this.push(() => (this.ended ??= {})),
      },
    );
  }

  private push(change: () => void): void {
    change();
    this.waiter.notify();
  }

  /** Resolves with the next event's data that matches (skipping the others); rejects on an error result, end, or timeout. */
  next(match: (data: R) => boolean = () => true, timeoutMs = EVENT_WAIT_MS, what = 'a matching event'): Promise<R> {
    return this.waitFor(
      () => {
        while (this.cursor < this.results.length) {
          const result = this.results[this.cursor++]!;
          if (result.errors?.length) throw new GraphQLResponseError(result.errors);
          if (result.data && match(result.data)) return result.data;
        }
        if (this.ended) throw new Error(`subscription ended while waiting for ${what}: ${describe(this.ended.error)}`);
        return undefined;
      },
      timeoutMs,
      what,
    );
  }

  /** The first error the subscription produced (a result with errors), waiting for it if needed. */
  error(timeoutMs = EVENT_WAIT_MS): Promise<ResponseError> {
    return this.waitFor(
      () => {
        const failed = this.results.find((r) => r.errors?.length);
        if (failed) return failed.errors![0]!;
        if (this.ended) throw new Error(`subscription ended without an error result: ${describe(this.ended.error)}`);
        return undefined;
      },
      timeoutMs,
      'a subscription error',
    );
  }

  /** Resolves once the server completed the subscription (or its socket went away). */
  completed(timeoutMs = EVENT_WAIT_MS): Promise<{ error?: unknown }> {
    return this.waitFor(() => this.ended, timeoutMs, 'the subscription to end');
  }

  private waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return this.waiter.until(check, timeoutMs, what, () => `; last results: ${JSON.stringify(this.results.slice(-3))}`);
  }

  close(): void {
    this.dispose();
  }
}

/** A graphql-ws client (real socket, no retries) that hands out buffered subscriptions. */
export class WsGraphQLClient {
  readonly client: Client;
  private readonly subscriptions: Subscription<unknown>[] = [];

  constructor(url: string, token?: string) {
    this.client = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
    });
  }

  /**
   * Subscribes and resolves once the server is listening: graphql-ws has no "subscribed"
   * acknowledgement, so a query on the same socket serves as the barrier. The server starts an
   * operation only once the subscriptions sent before it on its socket are set up
   * (src/http/ws-operation-order.ts), so by the time the query answers, the subscription is live.
   */
  async subscribe<R, V>(document: TypedDocumentString<R, V>, variables?: V): Promise<Subscription<R>> {
    const sub = this.send(document, variables);
    await this.barrier();
    return sub;
  }

  /** Sends any operation over the socket at once (no barrier); its results arrive as a Subscription. */
  send<R, V>(document: TypedDocumentString<R, V>, variables?: V): Subscription<R> {
    const sub = new Subscription<R>(this.client, document.toString(), variables);
    this.subscriptions.push(sub as Subscription<unknown>);
    return sub;
  }

  private async barrier(): Promise<void> {
    const results = this.client.iterate({ query: InstancesDocument.toString() });
    for await (const result of results) if (result.errors) throw new GraphQLResponseError(result.errors as ResponseError[]);
  }

  async dispose(): Promise<void> {
    for (const s of this.subscriptions) s.close();
    await this.client.dispose();
  }
}

function describe(error: unknown): string {
  if (error === undefined) return 'completed';
  if (error instanceof Error) return error.message;
  // graphql-ws reports a closed socket as its CloseEvent.
  const close = error as { code?: number; reason?: string };
  return close.code !== undefined ? `socket closed ${close.code} ${close.reason ?? ''}` : JSON.stringify(error);
}
