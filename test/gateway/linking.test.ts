import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckNumbersDocument,
  ConnectInstanceDocument,
  CreateInstanceDocument,
  DeleteInstanceDocument,
  InstanceDocument,
  InstancesDocument,
  InstanceStatusDocument,
  LogoutInstanceDocument,
  MessageReceivedDocument,
  QrCodeDocument,
  RequestPairingCodeDocument,
  SendTextDocument,
  SystemEventsDocument,
} from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';

// The whole path a user takes, through the public surface only: GraphQL over HTTP and graphql-ws,
// and the sandbox's control API at /sandbox standing in for the phones.
const ALICE = '15550100001';
const BOB = '15550100002';
const CAROL = '15550100003';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
  await gw.sandbox.createPhone(ALICE, 'Alice');
  await gw.sandbox.createPhone(BOB, 'Bob');
  await gw.sandbox.createPhone(CAROL, 'Carol');
});
afterAll(async () => {
  await gw?.close();
});

describe('linking by QR, then text both ways', () => {
  let id: string;

  it('create → qrCode → the phone scans → ONLINE', async () => {
    const system = await gw.ws.subscribe(SystemEventsDocument);
    const { createInstance } = await gw.http.ok(CreateInstanceDocument, { name: 'support' });
    id = createInstance.id;
    expect(createInstance).toMatchObject({ name: 'support', status: 'CREATED', phoneNumber: null, qr: null, reconnectAttempts: 0 });
    await system.next((d) => d.systemEvents.type === 'INSTANCE_CREATED' && d.systemEvents.instanceId === id);

    const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
    const everyInstance = await gw.ws.subscribe(InstanceStatusDocument, {});
    const qrs = await gw.ws.subscribe(QrCodeDocument, { instanceId: id });
    // With an instance id, the current status comes first.
    expect((await status.next()).instanceStatus).toMatchObject({ instanceId: id, status: 'CREATED', previous: 'CREATED' });

    const { connectInstance } = await gw.http.ok(ConnectInstanceDocument, { id });
    expect(['QR_PENDING', 'CONNECTING']).toContain(connectInstance.status);
    const { qrCode } = await qrs.next();
    expect(qrCode.instanceId).toBe(id);
    expect(qrCode.pngDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(Date.parse(qrCode.expiresAt)).toBeGreaterThan(Date.now());
    await status.next((d) => d.instanceStatus.status === 'QR_PENDING');

    // The instance shows the same QR; a late subscriber gets it first.
    const { instance } = await gw.http.ok(InstanceDocument, { id });
    expect(instance.qr?.code).toBe(qrCode.code);
    const late = await gw.ws.subscribe(QrCodeDocument, { instanceId: id });
    expect((await late.next()).qrCode.code).toBe(qrCode.code);

    await gw.sandbox.scan(ALICE, qrCode.code);
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 10_000, 'ONLINE');
    const { instanceStatus } = await everyInstance.next((d) => d.instanceStatus.instanceId === id && d.instanceStatus.status === 'ONLINE');
    expect(instanceStatus.previous).not.toBe('ONLINE');
    const online = (await gw.http.ok(InstanceDocument, { id })).instance;
    expect(online).toMatchObject({ status: 'ONLINE', phoneNumber: ALICE, jid: `${ALICE}@s.whatsapp.net`, qr: null, lastError: null });
    expect(online.connectedAt).not.toBeNull();
    // One linked device, named after DEVICE_NAME.
    expect(await gw.sandbox.devices(ALICE)).toMatchObject([{ platform: 'wamux-e2e', connected: true }]);
    for (const s of [status, everyInstance, qrs, late, system]) s.close();
  });

  it('sends text to another phone, which receives it', async () => {
    const { sendText } = await gw.http.ok(SendTextDocument, { input: { instanceId: id, to: '+1 555-010-0002', text: 'Hello Bob' } });
    expect(sendText).toMatchObject({ instanceId: id, to: `${BOB}@s.whatsapp.net` });
    const got = await gw.sandbox.waitForMessage(BOB, (m) => m.id === sendText.messageId);
    expect(got).toMatchObject({ from: ALICE, text: 'Hello Bob' });

    // Addressed by the sender's phone number instead of the instance id, to a JID.
    const byNumber = await gw.http.ok(SendTextDocument, { input: { fromPhoneNumber: `+${ALICE}`, to: `${BOB}@s.whatsapp.net`, text: 'again' } });
    await gw.sandbox.waitForMessage(BOB, (m) => m.id === byNumber.sendText.messageId && m.text === 'again');
  });

  it('delivers the reply through messageReceived', async () => {
    const received = await gw.ws.subscribe(MessageReceivedDocument, { instanceId: id });
    const all = await gw.ws.subscribe(MessageReceivedDocument, {});
    const sentId = await gw.sandbox.sendText(BOB, ALICE, 'Hi Alice');
    const { messageReceived } = await received.next((d) => d.messageReceived.id === sentId);
    expect(messageReceived).toMatchObject({
      instanceId: id,
      chatJid: expect.stringMatching(/@(s\.whatsapp\.net|lid)$/),
      fromMe: false,
      isGroup: false,
      type: 'TEXT',
      text: 'Hi Alice',
      sender: { phoneNumber: BOB, pushName: 'Bob' },
    });
    await all.next((d) => d.messageReceived.id === sentId);
    received.close();
    all.close();
  });

  it('checks which numbers are on WhatsApp', async () => {
    const { checkNumbers } = await gw.http.ok(CheckNumbersDocument, { instanceId: id, phoneNumbers: [`+${BOB}`, '15559990000', 'not a number'] });
    expect(checkNumbers).toEqual([
      { input: `+${BOB}`, phoneNumber: BOB, jid: `${BOB}@s.whatsapp.net`, exists: true },
      { input: '15559990000', phoneNumber: '15559990000', jid: '15559990000@s.whatsapp.net', exists: false },
      { input: 'not a number', phoneNumber: null, jid: null, exists: false },
    ]);
  });

  it('logout → LOGGED_OUT → connect again → new QR → scan → ONLINE', async () => {
    const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
    await status.next((d) => d.instanceStatus.status === 'ONLINE');
    const { logoutInstance } = await gw.http.ok(LogoutInstanceDocument, { id });
    expect(logoutInstance).toMatchObject({ status: 'LOGGED_OUT', connectedAt: null });
    await status.next((d) => d.instanceStatus.status === 'LOGGED_OUT');
    await expect.poll(() => gw.sandbox.devices(ALICE)).toEqual([]);

    const qrs = await gw.ws.subscribe(QrCodeDocument, { instanceId: id });
    await gw.http.ok(ConnectInstanceDocument, { id });
    const { qrCode } = await qrs.next();
    await gw.sandbox.scan(ALICE, qrCode.code);
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 10_000, 'ONLINE again');
    const { sendText } = await gw.http.ok(SendTextDocument, { input: { instanceId: id, to: BOB, text: 'back' } });
    await gw.sandbox.waitForMessage(BOB, (m) => m.id === sendText.messageId);
    status.close();
    qrs.close();
  });

  it('ends LOGGED_OUT when the phone unlinks it', async () => {
    const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
    await status.next((d) => d.instanceStatus.status === 'ONLINE');
    await gw.sandbox.unlink(ALICE);
    await status.next((d) => d.instanceStatus.status === 'LOGGED_OUT', 10_000, 'LOGGED_OUT');
    expect((await gw.http.ok(InstanceDocument, { id })).instance.status).toBe('LOGGED_OUT');
    status.close();
  });
});

describe('linking by pairing code', () => {
  it('requestPairingCode → the phone enters it → ONLINE → text both ways', async () => {
    const { createInstance } = await gw.http.ok(CreateInstanceDocument, { name: 'by-code' });
    const id = createInstance.id;
    const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
    const received = await gw.ws.subscribe(MessageReceivedDocument, { instanceId: id });
    await status.next();

    const { requestPairingCode } = await gw.http.ok(RequestPairingCodeDocument, { id, phoneNumber: `+1 555 010 0003` });
    expect(requestPairingCode.instanceId).toBe(id);
    expect(requestPairingCode.code).toMatch(/^[A-Z0-9]{8}$/);
    await gw.sandbox.enterPairingCode(CAROL, requestPairingCode.code);
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 10_000, 'ONLINE');
    expect((await gw.http.ok(InstanceDocument, { id })).instance).toMatchObject({ phoneNumber: CAROL, jid: `${CAROL}@s.whatsapp.net` });

    const { sendText } = await gw.http.ok(SendTextDocument, { input: { instanceId: id, to: BOB, text: 'from Carol' } });
    await gw.sandbox.waitForMessage(BOB, (m) => m.id === sendText.messageId && m.from === CAROL);
    const replyId = await gw.sandbox.sendText(BOB, CAROL, 'hello Carol');
    expect((await received.next((d) => d.messageReceived.id === replyId)).messageReceived.text).toBe('hello Carol');
    status.close();
    received.close();
  });
});

describe('deleting', () => {
  it('deletes a linked instance, unlinking it from the phone', async () => {
    const { instances } = await gw.http.ok(InstancesDocument);
    const byCode = instances.find((i) => i.name === 'by-code')!;
    expect(byCode.status).toBe('ONLINE');
    const system = await gw.ws.subscribe(SystemEventsDocument);
    expect((await gw.http.ok(DeleteInstanceDocument, { id: byCode.id })).deleteInstance.id).toBe(byCode.id);
    await system.next((d) => d.systemEvents.type === 'INSTANCE_DELETED' && d.systemEvents.instanceId === byCode.id);
    await expect.poll(() => gw.sandbox.devices(CAROL)).toEqual([]);
    expect((await gw.http.ok(InstancesDocument)).instances.map((i) => i.name)).toEqual(['support']);
    expect((await gw.http.fail(InstanceDocument, { id: byCode.id })).extensions?.code).toBe('INSTANCE_NOT_FOUND');
    system.close();
  });
});
