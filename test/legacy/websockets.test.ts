import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectInstanceDocument, CreateApiKeyDocument, CreateInstanceDocument, LogoutInstanceDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { HttpGraphQLClient } from '../helpers/graphql-client.ts';
import { LegacyWsTestClient, type Frame } from '../helpers/legacy-ws.ts';

// SUDEVWA's WebSockets through the public surface: real `ws` clients on /ws and /api/listen,
// instances linked by real Baileys against the sandbox, events caused by sandbox phones.
const ALICE = '15550910001';
const BOB = '15550910002';
const CAROL = '15550910003';
const DAVE = '15550910004';
const EVE = '15550910005';
const ZERO_TIME = '0001-01-01T00:00:00Z';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let gw: TestGateway;
let wsBase: string;
const open: LegacyWsTestClient[] = [];

async function connect(path: string, options: Parameters<typeof LegacyWsTestClient.connect>[1] = {}): Promise<LegacyWsTestClient> {
  const client = await LegacyWsTestClient.connect(`${wsBase}${path}`, options);
  open.push(client);
  return client;
}

const forInstance = (event: string, id: string) => (f: Frame) => f.event === event && f.data.instance_id === id;

beforeAll(async () => {
  // Short keep-alive periods, so pings and the drop of a silent client happen within the test. The
  // timeout leaves room for event-loop stalls: clients, gateway and sandbox share this process, and
  // linking (Signal and Noise crypto) on a loaded two-core box stalls it for seconds.
  gw = await startTestGateway({ env: { WS_PING_INTERVAL_MS: '100', WS_PONG_TIMEOUT_MS: '8000' } });
  wsBase = gw.url.replace(/^http/, 'ws');
  for (const [phone, name] of [[ALICE, 'Alice'], [BOB, 'Bob'], [CAROL, 'Carol'], [DAVE, 'Dave'], [EVE, 'Eve']]) await gw.sandbox.createPhone(phone!, name);
});
afterAll(async () => {
  for (const c of open) c.close();
  await gw?.close();
});

describe('auth', () => {
  it('refuses /ws without a token, with a bad token and with a malformed header, as the JWT middleware did', async () => {
    expect(await LegacyWsTestClient.refused(`${wsBase}/ws`)).toEqual({ status: 401, body: { success: false, message: 'Unauthorized', error: { code: 'UNAUTHORIZED' } } });
    expect(await LegacyWsTestClient.refused(`${wsBase}/ws`, { token: 'not-a-token' })).toEqual({
      status: 401,
      body: { success: false, message: 'Invalid or expired token', error: { code: 'INVALID_TOKEN' } },
    });
    expect(await LegacyWsTestClient.refused(`${wsBase}/ws?token=garbage`)).toMatchObject({ status: 401, body: { error: { code: 'INVALID_TOKEN' } } });
    expect(await LegacyWsTestClient.refused(`${wsBase}/ws`, { headers: { authorization: 'Token abc' } })).toEqual({
      status: 401,
      body: { success: false, message: 'Invalid authorization header format', error: { code: 'INVALID_AUTH_HEADER' } },
    });
  });

  it('accepts an access token in the header or in ?token=, and an API key', async () => {
    (await connect('/ws', { token: gw.adminToken })).close();
    (await connect(`/ws?token=${encodeURIComponent(gw.adminToken)}`)).close();
    const { createApiKey } = await gw.http.ok(CreateApiKeyDocument, { name: 'dashboard' });
    (await connect('/ws', { token: createApiKey.key })).close();
  });

  it('answers unknown WebSocket paths with 404 and keeps graphql-ws working on the same server', async () => {
    expect((await LegacyWsTestClient.refused(`${wsBase}/nope`, { token: gw.adminToken })).status).toBe(404);
    // graphql-ws at /graphql (linkInstance below subscribes through it) shares the upgrade router.
  });
});

describe('global events on /ws', () => {
  let id: string;

  it('QR_GENERATED when an instance connects, then QR_SUCCESS and INSTANCE_STATUS_CHANGED online when the phone scans', async () => {
    const ws = await connect('/ws', { token: gw.adminToken });
    const { createInstance } = await gw.http.ok(CreateInstanceDocument, { name: 'ws-global' });
    id = createInstance.id;
    await gw.http.ok(ConnectInstanceDocument, { id });

    const qr = await ws.next(forInstance('QR_GENERATED', id));
    expect(Object.keys(qr).sort()).toEqual(['data', 'event', 'timestamp']);
    expect(qr.timestamp).toMatch(RFC3339);
    expect(Object.keys(qr.data).sort()).toEqual(['expires_at', 'instance_id', 'qr_data']);
    expect(Date.parse(qr.data.expires_at as string)).toBeGreaterThan(Date.now());

    await gw.sandbox.scan(ALICE, qr.data.qr_data as string);
    const success = await ws.next(forInstance('QR_SUCCESS', id));
    expect(success.data).toEqual({ instance_id: id, status: 'connected' });
    const online = await ws.next(forInstance('INSTANCE_STATUS_CHANGED', id));
    expect(online.data).toEqual({ instance_id: id, phone_number: ALICE, status: 'online', is_connected: true, connected_at: expect.stringMatching(RFC3339) });
    // QR_SUCCESS comes before the status change, as in SUDEVWA.
    expect(Date.parse(online.timestamp)).toBeGreaterThanOrEqual(Date.parse(success.timestamp));
    // No incoming_message on the global socket.
    expect(ws.frames.some((f) => f.event === 'incoming_message')).toBe(false);
  });

  it('logged_out carries phone_number and real times (SUDEVWA sent neither)', async () => {
    const ws = await connect('/ws', { token: gw.adminToken });
    await gw.http.ok(LogoutInstanceDocument, { id });
    const out = await ws.next(forInstance('INSTANCE_STATUS_CHANGED', id));
    expect(out.data).toEqual({
      instance_id: id,
      phone_number: ALICE,
      status: 'logged_out',
      is_connected: false,
      connected_at: expect.stringMatching(RFC3339),
      disconnected_at: expect.stringMatching(RFC3339),
    });
    expect(out.data.connected_at).not.toBe(ZERO_TIME);
    expect(Date.parse(out.data.disconnected_at as string)).toBeGreaterThanOrEqual(Date.parse(out.data.connected_at as string));
    await expect.poll(() => gw.sandbox.devices(ALICE)).toEqual([]);
  });

  it('the same instance links again after logout (reuse), with a new QR_GENERATED', async () => {
    const ws = await connect('/ws', { token: gw.adminToken });
    await gw.http.ok(ConnectInstanceDocument, { id });
    const qr = await ws.next(forInstance('QR_GENERATED', id));
    await gw.sandbox.scan(ALICE, qr.data.qr_data as string);
    await ws.next(forInstance('QR_SUCCESS', id));
    expect((await ws.next(forInstance('INSTANCE_STATUS_CHANGED', id))).data.status).toBe('online');
  });

  it('QR_CANCELLED when pairing is abandoned before a scan', async () => {
    const ws = await connect('/ws', { token: gw.adminToken });
    const { createInstance } = await gw.http.ok(CreateInstanceDocument, { name: 'ws-cancelled' });
    await gw.http.ok(ConnectInstanceDocument, { id: createInstance.id });
    await ws.next(forInstance('QR_GENERATED', createInstance.id));
    await gw.http.ok(LogoutInstanceDocument, { id: createInstance.id });
    const cancelled = await ws.next(forInstance('QR_CANCELLED', createInstance.id));
    expect(cancelled.data).toEqual({ instance_id: createInstance.id, status: 'cancelled', message: 'User cancelled QR generation' });
    expect(ws.frames.some(forInstance('INSTANCE_STATUS_CHANGED', createInstance.id))).toBe(false);
  });
});

describe('INSTANCE_ERROR', () => {
  it('is sent when WhatsApp ends the session for good (replaced by another login, 440)', async () => {
    const id = await gw.linkInstance('ws-replaced', EVE);
    const ws = await connect('/ws', { token: gw.adminToken });
    await gw.sandbox.fault({ kind: 'stream-error', code: 440, phoneNumber: EVE });
    const error = await ws.next(forInstance('INSTANCE_ERROR', id));
    expect(error.data).toEqual({ instance_id: id, error: expect.stringMatching(/replaced/) });
  });
});

describe('/api/listen/:instanceId', () => {
  let id: string;

  beforeAll(async () => {
    id = await gw.linkInstance('listen', BOB);
  });

  it('delivers incoming_message double-wrapped (SUDEVWA quirk, on by default) when a phone sends', async () => {
    const ws = await connect(`/api/listen/${id}`, { token: gw.adminToken });
    const sentAt = Math.floor(Date.now() / 1000);
    const messageId = await gw.sandbox.sendText(CAROL, BOB, 'hello over listen');
    const frame = await ws.next((f) => f.event === 'incoming_message');
    expect(Object.keys(frame).sort()).toEqual(['data', 'event', 'timestamp']);
    expect(frame.data).toEqual({
      event: 'incoming_message',
      data: {
        instance_id: id,
        from: `${CAROL}@s.whatsapp.net`,
        from_me: false,
        message: 'hello over listen',
        timestamp: expect.any(Number),
        is_group: false,
        message_id: messageId,
        push_name: 'Carol',
      },
    });
    const inner = (frame.data as { data: { timestamp: number } }).data;
    expect(Math.abs(inner.timestamp - sentAt)).toBeLessThanOrEqual(5);
  });

  it('adds media metadata to incoming_message, and the download path streams the file', async () => {
    const ws = await connect(`/api/listen/${id}`, { token: gw.adminToken });
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(4_000)]);
    const messageId = await gw.sandbox.sendMedia(CAROL, BOB, { kind: 'image', base64: bytes.toString('base64'), mimeType: 'image/jpeg', caption: 'a photo' });
    const frame = await ws.next((f) => f.event === 'incoming_message' && (f.data as { data: { message_id: string } }).data.message_id === messageId);
    const payload = (frame.data as { data: Record<string, unknown> }).data;
    expect(payload).toMatchObject({ message: 'a photo', media: { kind: 'IMAGE', mime_type: 'image/jpeg', caption: 'a photo', download_path: `/media/${id}/${messageId}` } });
    const file = await fetch(`${gw.url}${(payload.media as { download_path: string }).download_path}`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('accepts ?token=, and the instance name in place of its id', async () => {
    const ws = await connect(`/api/listen/listen?token=${encodeURIComponent(gw.adminToken)}`);
    await gw.sandbox.sendText(DAVE, BOB, 'second');
    const frame = await ws.next((f) => f.event === 'incoming_message');
    expect((frame.data.data as { message: string }).message).toBe('second');
  });

  it('only carries messages of its own instance, and the global events too (as on SUDEVWA\'s single hub)', async () => {
    const mine = await connect(`/api/listen/${id}`, { token: gw.adminToken });
    const other = await gw.linkInstance('listen-other', CAROL);
    await mine.next(forInstance('QR_GENERATED', other));
    await mine.next(forInstance('INSTANCE_STATUS_CHANGED', other));
    const theirs = await connect(`/api/listen/${other}`, { token: gw.adminToken });
    await gw.sandbox.sendText(DAVE, CAROL, 'for carol');
    await theirs.next((f) => f.event === 'incoming_message');
    await gw.sandbox.sendText(DAVE, BOB, 'for bob');
    const frame = await mine.next((f) => f.event === 'incoming_message');
    expect((frame.data.data as { message: string }).message).toBe('for bob');
    expect(mine.frames.filter((f) => f.event === 'incoming_message')).toEqual([]);
  });

  it('refuses before upgrading, with SUDEVWA codes: no token, unknown instance, not linked', async () => {
    expect(await LegacyWsTestClient.refused(`${wsBase}/api/listen/${id}`)).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect(await LegacyWsTestClient.refused(`${wsBase}/api/listen/00000000-0000-0000-0000-000000000000`, { token: gw.adminToken })).toEqual({
      status: 404,
      body: { success: false, message: 'Session not found', error: { code: 'SESSION_NOT_FOUND', details: 'Please login first' } },
    });
    expect((await LegacyWsTestClient.refused(`${wsBase}/api/listen/not-an-id`, { token: gw.adminToken })).status).toBe(404);
    const { createInstance } = await gw.http.ok(CreateInstanceDocument, { name: 'listen-unlinked' });
    expect(await LegacyWsTestClient.refused(`${wsBase}/api/listen/${createInstance.id}`, { token: gw.adminToken })).toEqual({
      status: 400,
      body: { success: false, message: 'Not logged in', error: { code: 'NOT_LOGGED_IN', details: 'Please scan QR code first' } },
    });
  });
});

describe('tenants', () => {
  it("a USER gets only their own instances' events, and cannot listen to another's instance", async () => {
    const userToken = await gw.createUserToken('ws-tenant');
    const userHttp = new HttpGraphQLClient(`${gw.url}/graphql`, userToken);
    const userWs = await connect('/ws', { token: userToken });
    const adminWs = await connect('/ws', { token: gw.adminToken });

    // The administrator's instance first: the user must not see its QR.
    const { createInstance: adminOwned } = await gw.http.ok(CreateInstanceDocument, { name: 'tenant-admin' });
    await gw.http.ok(ConnectInstanceDocument, { id: adminOwned.id });
    await adminWs.next(forInstance('QR_GENERATED', adminOwned.id));

    const { createInstance: userOwned } = await userHttp.ok(CreateInstanceDocument, { name: 'tenant-user' });
    await userHttp.ok(ConnectInstanceDocument, { id: userOwned.id });
    const qr = await userWs.next(forInstance('QR_GENERATED', userOwned.id));
    // Frames reach each client in event order, so the admin's QR would have arrived by now.
    expect(userWs.frames.filter((f) => f.data.instance_id === adminOwned.id)).toEqual([]);
    // The administrator sees both.
    await adminWs.next(forInstance('QR_GENERATED', userOwned.id));

    await gw.sandbox.scan(DAVE, qr.data.qr_data as string);
    expect((await userWs.next(forInstance('INSTANCE_STATUS_CHANGED', userOwned.id))).data.status).toBe('online');
    expect(await LegacyWsTestClient.refused(`${wsBase}/api/listen/${adminOwned.id}`, { token: userToken })).toEqual({
      status: 403,
      body: { success: false, message: 'You do not have access to this instance' },
    });
    const listen = await connect(`/api/listen/${userOwned.id}`, { token: userToken });
    await gw.sandbox.sendText(ALICE, DAVE, 'to the tenant');
    expect(((await listen.next((f) => f.event === 'incoming_message')).data.data as { message: string }).message).toBe('to the tenant');
    expect(userWs.frames.filter((f) => f.data.instance_id === adminOwned.id)).toEqual([]);
    await gw.http.ok(LogoutInstanceDocument, { id: adminOwned.id });
  });
});

describe('keep-alive', () => {
  it('pings clients, keeps those that answer, drops one that stops answering', async () => {
    const alive = await connect('/ws', { token: gw.adminToken });
    const silent = await connect('/ws', { token: gw.adminToken, autoPong: false });
    const closed = await silent.whenClosed(30_000);
    // Terminated, not closed politely: the peer stopped talking.
    expect(closed.code).toBe(1006);
    expect(silent.pings).toBeGreaterThan(0);
    expect(alive.pings).toBeGreaterThan(2);
    expect(alive.closed).toBeUndefined();
  });

  it('closes a client that sends a frame larger than 512 bytes', async () => {
    const ws = await connect('/ws', { token: gw.adminToken });
    ws.ws.send('x'.repeat(600));
    expect((await ws.whenClosed()).code).toBe(1009);
  });
});

describe('LEGACY_OPEN_WS=true, LEGACY_DOUBLE_WRAP_INCOMING=false', () => {
  let legacy: TestGateway;
  let base: string;

  beforeAll(async () => {
    // A low limit, to see WebSocket upgrades share it (HTTP calls here stay well under it).
    legacy = await startTestGateway({ env: { LEGACY_OPEN_WS: 'true', LEGACY_DOUBLE_WRAP_INCOMING: 'false', RATE_LIMIT_RPS: '5', RATE_LIMIT_BURST: '15' } });
    base = legacy.url.replace(/^http/, 'ws');
    await legacy.sandbox.createPhone(ALICE, 'Alice');
    await legacy.sandbox.createPhone(BOB, 'Bob');
  });
  afterAll(() => legacy?.close());

  it('/ws opens without a token and sees every instance; /api/listen still needs one; incoming_message is single-level', async () => {
    const ws = await LegacyWsTestClient.connect(`${base}/ws`);
    open.push(ws);
    const { createInstance } = await legacy.http.ok(CreateInstanceDocument, { name: 'open' });
    await legacy.http.ok(ConnectInstanceDocument, { id: createInstance.id });
    const qr = await ws.next(forInstance('QR_GENERATED', createInstance.id));
    await legacy.sandbox.scan(ALICE, qr.data.qr_data as string);
    await ws.next(forInstance('INSTANCE_STATUS_CHANGED', createInstance.id));

    expect((await LegacyWsTestClient.refused(`${base}/api/listen/${createInstance.id}`)).status).toBe(401);
    const listen = await LegacyWsTestClient.connect(`${base}/api/listen/${createInstance.id}`, { token: legacy.adminToken });
    open.push(listen);
    await legacy.sandbox.sendText(BOB, ALICE, 'flat');
    const frame = await listen.next((f) => f.event === 'incoming_message');
    expect(frame.data).toMatchObject({ instance_id: createInstance.id, message: 'flat', from_me: false, is_group: false });
    expect(frame.data).not.toHaveProperty('event');
  });

  it('rate-limits upgrades per address like HTTP requests: 429 with SUDEVWA\'s body', async () => {
    // All at once from an address of its own, so however slowly a loaded box connects them, the
    // bucket (15 per 3 s) cannot refill between them.
    const attempts = await Promise.all(
      Array.from({ length: 40 }, () =>
        LegacyWsTestClient.connect(`${base}/ws`, { localAddress: '127.0.0.3' }).then(
          (ws) => (ws.close(), undefined),
          (err: unknown) => {
            const refused = (err as { refused?: Awaited<ReturnType<typeof LegacyWsTestClient.refused>> }).refused;
            if (!refused) throw err;
            return refused;
          },
        ),
      ),
    );
    const refused = attempts.find((a) => a !== undefined);
    expect(refused).toEqual({ status: 429, body: { success: false, message: expect.stringMatching(/^rate limit exceeded: try again in \d+ s$/), error: 'rate limit exceeded' } });
  });

  it('stopping the gateway closes legacy clients with 1001 (going away)', async () => {
    // From another loopback address: the limit test used up this one's bucket (limits are per address).
    const ws = await LegacyWsTestClient.connect(`${base}/ws`, { localAddress: '127.0.0.2' });
    open.push(ws);
    const closing = ws.whenClosed(5_000);
    await legacy.stop();
    expect((await closing).code).toBe(1001);
  });
});
