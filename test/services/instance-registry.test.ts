import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { startTestSandbox } from '../helpers/sandbox.ts';
import { nextQr, startServices, waitStatus, type TestServices } from '../helpers/services.ts';

// The service against real parts: real Baileys, the sandbox, a real database. The GraphQL e2e suite
// covers the same through the public surface; this one pins the registry's own concurrency rules.
// Every test links its own instance to its own phones, so each one runs (and fails) on its own.
let db: TestOrm;
let t: Awaited<ReturnType<typeof startTestSandbox>>;
let s: TestServices;
const started: TestServices[] = [];
let nextPhone = 0;

/** Two fresh phones: the instance's own and a customer it talks to. */
function phones(): { owner: string; customer: string } {
  const n = (nextPhone += 2);
  const owner = `155502${String(n).padStart(5, '0')}`;
  const customer = `155502${String(n + 1).padStart(5, '0')}`;
  t.sandbox.createPhone({ phoneNumber: owner, pushName: 'Owner' });
  t.sandbox.createPhone({ phoneNumber: customer, pushName: 'Customer' });
  return { owner, customer };
}

function services(): TestServices {
  const x = startServices({ orm: db.orm, waWebSocketUrl: t.sandbox.info.wsUrl });
  started.push(x);
  return x;
}

/** A new instance linked by QR to `owner`'s phone, ONLINE. */
async function linked(on: TestServices, owner: string, name = `desk-${owner}`): Promise<string> {
  const id = (await on.registry.create({ name })).id;
  const qr = nextQr(on.events, id);
  await on.registry.connect(id);
  const online = waitStatus(on.events, id, 'ONLINE');
  await t.sandbox.scanQr(owner, await qr);
  await online;
  return id;
}

beforeAll(async () => {
  db = await createTestOrm();
  t = await startTestSandbox();
  s = services();
});
afterAll(async () => {
  for (const x of started) await x.stop();
  await t.stop();
  await db.close();
});

describe('InstanceRegistry against the sandbox', () => {
  it('links by QR, sends and receives text', async () => {
    const { owner, customer } = phones();
    const id = (await s.registry.create({ name: 'desk' })).id;
    const qr = nextQr(s.events, id);
    const [a, b] = await Promise.all([s.registry.connect(id), s.registry.connect(id)]);
    expect(a.status).toBe('QR_PENDING');
    expect(b.status).toBe('QR_PENDING');
    const online = waitStatus(s.events, id, 'ONLINE');
    await t.sandbox.scanQr(owner, await qr);
    await online;
    const view = await s.registry.get(id);
    expect(view).toMatchObject({ status: 'ONLINE', phoneNumber: owner, jid: `${owner}@s.whatsapp.net` });
    // The account's push name comes with the phone's first message (the history sync).
    await expect.poll(async () => (await s.registry.get(id)).pushName).toBe('Owner');
    // DEVICE_NAME is what the phone lists under Linked devices.
    expect(t.sandbox.devices(owner)).toMatchObject([{ platform: 'wamux-test', connected: true }]);

    const sent = await s.messages.sendText({ instanceId: id, to: `+1 ${customer.slice(1, 4)}-${customer.slice(4, 7)}-${customer.slice(7)}`, text: 'hello customer' });
    await t.sandbox.waitForMessage(customer, (m) => m.id === sent.messageId && m.text === 'hello customer');

    const received = new Promise((resolve) => s.events.on('messageReceived', (m) => m.instanceId === id && resolve(m)));
    await t.sandbox.sendText(customer, owner, 'a question');
    expect(await received).toMatchObject({ type: 'TEXT', text: 'a question', fromMe: false, sender: { phoneNumber: customer, pushName: 'Customer' } });
  });

  it('refuses bad sends with typed errors', async () => {
    const { owner, customer } = phones();
    const id = await linked(s, owner);
    await expect(s.messages.sendText({ instanceId: id, to: 'not a number', text: 'x' })).rejects.toMatchObject({ code: 'INVALID_RECIPIENT' });
    await expect(s.messages.sendText({ instanceId: id, to: '15559999999', text: 'x' })).rejects.toMatchObject({ code: 'RECIPIENT_NOT_ON_WHATSAPP' });
    await expect(s.messages.sendText({ instanceId: id, to: customer, text: '  ' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(s.messages.sendText({ instanceId: 'nope', to: customer, text: 'x' })).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
    const checks = await s.messages.checkNumbers(id, [customer, '15559999999', 'abc']);
    expect(checks.map((c) => c.exists)).toEqual([true, false, false]);
  });

  it('restores the instance in a new registry (restart)', async () => {
    const { owner, customer } = phones();
    const before = services();
    const id = await linked(before, owner);
    await before.stop();
    const after = services();
    const online = waitStatus(after.events, id, 'ONLINE');
    await after.registry.restore();
    await online;
    const sent = await after.messages.sendText({ fromPhoneNumber: owner, to: customer, text: 'after restart' });
    await t.sandbox.waitForMessage(customer, (m) => m.id === sent.messageId);
  });

  it('reconnects after a drop and after a 515', async () => {
    const { owner } = phones();
    const id = await linked(s, owner);
    for (const fault of [{ kind: 'drop' as const }, { kind: 'stream-error' as const, code: 515 }]) {
      const online = waitStatus(s.events, id, 'ONLINE');
      t.sandbox.fault({ ...fault, phoneNumber: owner });
      await online;
    }
  });

  it('logs out, then links again with a fresh QR', async () => {
    const { owner, customer } = phones();
    const id = await linked(s, owner);
    const view = await s.registry.logout(id);
    expect(view.status).toBe('LOGGED_OUT');
    await expect.poll(() => t.sandbox.devices(owner)).toEqual([]);
    await expect(s.messages.sendText({ instanceId: id, to: customer, text: 'x' })).rejects.toMatchObject({ code: 'INSTANCE_NOT_CONNECTED' });
    const qr = nextQr(s.events, id);
    await s.registry.connect(id);
    const online = waitStatus(s.events, id, 'ONLINE');
    await t.sandbox.scanQr(owner, await qr);
    await online;
  });

  it('refuses a connect issued while a logout runs, and connects once logged out', async () => {
    const { owner } = phones();
    const id = await linked(s, owner);
    const logout = s.registry.logout(id);
    await expect(s.registry.connect(id)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect((await logout).status).toBe('LOGGED_OUT');
    const qr = nextQr(s.events, id);
    expect((await s.registry.connect(id)).status).toBe('QR_PENDING');
    const online = waitStatus(s.events, id, 'ONLINE');
    await t.sandbox.scanQr(owner, await qr);
    await online;
  });

  it('ends LOGGED_OUT when the phone unlinks it', async () => {
    const { owner } = phones();
    const id = await linked(s, owner);
    const out = waitStatus(s.events, id, 'LOGGED_OUT');
    t.sandbox.unlink(owner);
    await out;
    expect((await s.registry.get(id)).status).toBe('LOGGED_OUT');
  });

  it('links by pairing code', async () => {
    const { customer } = phones();
    const id2 = (await s.registry.create({ name: 'by-code' })).id;
    const { code } = await s.registry.requestPairingCode(id2, `+${customer}`);
    const online = waitStatus(s.events, id2, 'ONLINE');
    await t.sandbox.enterPairingCode(customer, code);
    await online;
    expect((await s.registry.get(id2)).phoneNumber).toBe(customer);
  });

  it('a listener that throws does not stop the other listeners or the session', async () => {
    const { owner, customer } = phones();
    const id = await linked(s, owner);
    const offThrowing = s.events.on('messageReceived', () => {
      throw new Error('a broken consumer');
    });
    const offRejecting = s.events.on('messageReceived', () => Promise.reject(new Error('a broken async consumer')));
    try {
      const texts: string[] = [];
      const both = new Promise<void>((resolve) =>
        s.events.on('messageReceived', (m) => {
          if (m.instanceId !== id) return;
          texts.push(m.text ?? '');
          if (texts.length === 2) resolve();
        }),
      );
      // Two messages: the second shows the first one's failing listeners did not end the batch or the session.
      await t.sandbox.sendText(customer, owner, 'first');
      await t.sandbox.sendText(customer, owner, 'second');
      await both;
      expect(texts).toEqual(['first', 'second']);
      expect((await s.registry.get(id)).status).toBe('ONLINE');
      const sent = await s.messages.sendText({ instanceId: id, to: customer, text: 'still here' });
      await t.sandbox.waitForMessage(customer, (m) => m.id === sent.messageId);
    } finally {
      offThrowing();
      offRejecting();
    }
  });
});
