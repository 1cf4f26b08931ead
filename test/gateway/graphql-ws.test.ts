import { createClient, type Client, type ClientOptions, type FormattedExecutionResult, type Message } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectInstanceDocument, CreateInstanceDocument, DeleteInstanceDocument, InstanceStatusDocument, MeDocument, QrCodeDocument, SystemEventsDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';

// The GraphQL over WebSocket protocol (graphql-transport-ws) as the gateway speaks it: with the
// graphql-ws client itself (no retries, so every close is visible) and, where the client would hide
// the server's behaviour, with a raw socket.
const PROTOCOL = 'graphql-transport-ws';

let gw: TestGateway;
let wsUrl: string;
const clients: Client[] = [];
const sockets: WebSocket[] = [];

beforeAll(async () => {
  gw = await startTestGateway();
  wsUrl = `${gw.url.replace(/^http/, 'ws')}/graphql`;
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  for (const s of sockets) s.terminate();
  await gw?.close();
});

/** A graphql-ws client with `retryAttempts: 0`; the admin's token unless `token` says otherwise. */
function client(options: Partial<ClientOptions> & { token?: string | null } = {}): Client {
  const { token = gw.adminToken, ...rest } = options;
  const c = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    ...rest,
  });
  clients.push(c);
  return c;
}

/** Subscribes and collects results; `done` settles on complete or error (never rejects). */
function collect<T>(c: Client, query: string, variables?: Record<string, unknown>) {
  const results: Array<FormattedExecutionResult<T, unknown>> = [];
  let stop = () => {};
  const done = new Promise<{ error?: unknown }>((resolve) => {
    stop = c.subscribe<T>({ query, variables }, { next: (r) => void results.push(r), error: (error) => resolve({ error }), complete: () => resolve({}) });
  });
  return { results, done, stop };
}

/** A raw protocol socket: every message the server sends, and how it closed. */
function rawSocket(protocol = PROTOCOL) {
  const ws = new WebSocket(wsUrl, protocol);
  sockets.push(ws);
  const messages: Message[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Message);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    closed,
    opened,
    send: (message: Message | Record<string, unknown>) => ws.send(JSON.stringify(message)),
    /** The first message (from the start) that matches. */
    async next(match: (m: Message) => boolean, timeoutMs = 5_000): Promise<Message> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = messages.find(match);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 50);
          waiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
    },
    /** Opens and initialises with the admin's token; resolves at connection_ack. */
    async init(token = gw.adminToken): Promise<void> {
      await this.opened;
      this.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      await this.next((m) => m.type === 'connection_ack');
    },
  };
}

describe('connection', () => {
  it('closes a socket that never sends connection_init with 4408 after the init timeout', async () => {
    const raw = rawSocket();
    await raw.opened;
    const started = Date.now();
    const { code } = await raw.closed;
    expect(code).toBe(4408);
    // graphql-ws' default wait: 3 s.
    expect(Date.now() - started).toBeGreaterThan(2_500);
    expect(raw.messages).toEqual([]);
  });

  it('refuses an unauthenticated or badly authenticated connection with 4403', async () => {
    for (const token of [null, 'not-a-token']) {
      let closeCode: number | undefined;
      const c = client({ token, on: { closed: (e) => (closeCode = (e as { code: number }).code) } });
      const { error } = await collect(c, MeDocument.toString()).done;
      expect((error as { code?: number }).code, String(token)).toBe(4403);
      expect(closeCode).toBe(4403);
    }
  });

  it('refuses a subprotocol it does not speak (the legacy subscriptions-transport-ws one)', async () => {
    // The upgrade succeeds without a subprotocol and the server closes with 4406; a conforming
    // client (ws, browsers) already fails the handshake because no subprotocol was agreed.
    const raw = rawSocket('graphql-ws');
    await expect(raw.opened).rejects.toThrow(/no subprotocol/i);
    expect((await raw.closed).code).not.toBe(1000);
  });

  it('answers a second connection_init with 4429 and a subscribe before the ack with 4401', async () => {
    const twice = rawSocket();
    await twice.init();
    twice.send({ type: 'connection_init', payload: {} });
    expect((await twice.closed).code).toBe(4429);

    const early = rawSocket();
    await early.opened;
    early.send({ type: 'subscribe', id: '1', payload: { query: MeDocument.toString() } });
    expect((await early.closed).code).toBe(4401);
  });

  it('answers ping with pong (echoing the payload), and the client keep-alive gets its pongs', async () => {
    const raw = rawSocket();
    await raw.init();
    raw.send({ type: 'ping', payload: { n: 1 } });
    expect(await raw.next((m) => m.type === 'pong')).toEqual({ type: 'pong', payload: { n: 1 } });

    let pongs = 0;
    const c = client({ keepAlive: 100, on: { pong: (received) => void (received && pongs++) } });
    const sub = collect(c, SystemEventsDocument.toString());
    await expect.poll(() => pongs, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    sub.stop();
  });
});

describe('operations', () => {
  it('completes a query: one next, then complete', async () => {
    const raw = rawSocket();
    await raw.init();
    raw.send({ type: 'subscribe', id: 'q1', payload: { query: MeDocument.toString() } });
    await raw.next((m) => m.type === 'complete' && m.id === 'q1');
    const forQ1 = raw.messages.filter((m) => 'id' in m && m.id === 'q1');
    expect(forQ1.map((m) => m.type)).toEqual(['next', 'complete']);
    expect((forQ1[0] as { payload: FormattedExecutionResult }).payload.data).toMatchObject({ me: { username: 'admin' } });
  });

  it('answers a bad operation with an error message and keeps the socket open', async () => {
    let connects = 0;
    let closes = 0;
    // Not lazy: a lazy client closes its socket itself between operations.
    const c = client({ lazy: false, on: { connected: () => void connects++, closed: () => void closes++ } });
    // Deliberately invalid documents, so no generated ones.
    const invalid = await collect(c, '{ nope }').done;
    expect(invalid.error).toEqual([expect.objectContaining({ message: expect.stringMatching(/nope/), extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })]);
    const syntax = await collect(c, '{ me {').done;
    expect(Array.isArray(syntax.error)).toBe(true);
    // A required variable that is missing is found when the operation starts: graphql-ws answers with a
    // result carrying the error, then complete.
    const missingVariable = collect(c, QrCodeDocument.toString());
    expect(await missingVariable.done).toEqual({});
    expect(missingVariable.results).toEqual([{ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })] }]);

    // The same socket serves the next operation.
    const me = collect<{ me: { username: string } }>(c, MeDocument.toString());
    expect(await me.done).toEqual({});
    expect(me.results).toEqual([{ data: { me: expect.objectContaining({ username: 'admin' }) } }]);
    expect({ connects, closes }).toEqual({ connects: 1, closes: 0 });
  });

  it('refuses a second operation with an id already in use with 4409', async () => {
    const raw = rawSocket();
    await raw.init();
    raw.send({ type: 'subscribe', id: 'dup', payload: { query: SystemEventsDocument.toString() } });
    raw.send({ type: 'subscribe', id: 'dup', payload: { query: SystemEventsDocument.toString() } });
    expect((await raw.closed).code).toBe(4409);
  });

  it('a client that subscribes to status, then queries on the same socket, then connects, sees the change from CREATED', async () => {
    // graphql-ws has no "subscribed" message: a client that subscribes, then reads or acts on the
    // same socket, relies on the server starting its operations in the order sent (the rule itself:
    // ws-operation-order.test.ts). A user's instance subscription is checked against the database
    // before it attaches; `me` is not. The first change names the stored status it left.
    const token = await gw.createUserToken('ws-order-user');
    const asUser = gw.http.as(token);
    for (let round = 0; round < 5; round++) {
      const instanceId = (await asUser.ok(CreateInstanceDocument, { name: `ws-order-${round}` })).createInstance.id;
      const raw = rawSocket();
      await raw.init(token);
      raw.send({ type: 'subscribe', id: 'status', payload: { query: InstanceStatusDocument.toString(), variables: { instanceId } } });
      raw.send({ type: 'subscribe', id: 'me', payload: { query: MeDocument.toString() } });
      await raw.next((m) => m.type === 'complete' && m.id === 'me');
      await asUser.ok(ConnectInstanceDocument, { id: instanceId });
      // The change itself, not the status the subscription reads as its first event.
      type Status = { data: { instanceStatus: { status: string; previous: string } } };
      await raw.next((m) => m.type === 'next' && m.id === 'status' && (m.payload as Status).data.instanceStatus.previous === 'CREATED' && (m.payload as Status).data.instanceStatus.status !== 'CREATED');
      await asUser.ok(DeleteInstanceDocument, { id: instanceId });
      raw.ws.close();
    }
  });

  it('stops delivering to a subscription once the client sends complete', async () => {
    const raw = rawSocket();
    await raw.init();
    raw.send({ type: 'subscribe', id: 'stopped', payload: { query: SystemEventsDocument.toString() } });
    raw.send({ type: 'subscribe', id: 'kept', payload: { query: SystemEventsDocument.toString() } });
    const eventsFor = (id: string) => raw.messages.filter((m) => m.type === 'next' && m.id === id) as unknown as Array<{ payload: { data: { systemEvents: { type: string; instanceId: string } } } }>;
    const created = async (name: string) => (await gw.http.ok(CreateInstanceDocument, { name })).createInstance.id;
    const seen = (id: string, instanceId: string) => () => eventsFor(id).some((m) => m.payload.data.systemEvents.instanceId === instanceId);

    // Both are live: each gets the first event.
    const first = await created('ws-complete-1');
    await expect.poll(seen('stopped', first)).toBe(true);
    await expect.poll(seen('kept', first)).toBe(true);

    raw.send({ type: 'complete', id: 'stopped' });
    const second = await created('ws-complete-2');
    await gw.http.ok(DeleteInstanceDocument, { id: second });
    // `kept` got both later events (created, deleted) on the same socket; `stopped` got nothing after its complete.
    await expect.poll(() => eventsFor('kept').filter((m) => m.payload.data.systemEvents.instanceId === second).length).toBe(2);
    expect(eventsFor('stopped').map((m) => m.payload.data.systemEvents.instanceId)).toEqual([first]);
    // The server sends no complete of its own for an operation the client completed.
    expect(raw.messages.filter((m) => m.type === 'complete')).toEqual([]);
    await gw.http.ok(DeleteInstanceDocument, { id: first });
  });
});
