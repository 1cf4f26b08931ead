import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemEvent } from '../../src/services/shared/index.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { startTestSandbox } from '../helpers/sandbox.ts';
import { nextQr, startServices, waitStatus, type TestServices } from '../helpers/services.ts';

// An instance is ONLINE only while it really passes messages: a socket that stops acknowledging
// what it sends is detected, reported (Instance.health, a system event) and healed by a reconnect.
const OWNER = '15550220001';
const CUSTOMER = '15550220002';

let db: TestOrm;
let t: Awaited<ReturnType<typeof startTestSandbox>>;
let s: TestServices;

beforeAll(async () => {
  db = await createTestOrm();
  t = await startTestSandbox();
  t.sandbox.createPhone({ phoneNumber: OWNER, pushName: 'Owner' });
  t.sandbox.createPhone({ phoneNumber: CUSTOMER, pushName: 'Customer' });
  s = startServices({ orm: db.orm, waWebSocketUrl: t.sandbox.info.wsUrl, health: { ackTimeoutMs: 5_000, checkEveryMs: 100 } });
});
afterAll(async () => {
  await s?.stop();
  await t.stop();
  await db.close();
});

function nextSystem(type: SystemEvent['type'], id: string): Promise<SystemEvent> {
  return new Promise((resolve) => {
    const off = s.events.on('system', (e) => {
      if (e.type !== type || e.instanceId !== id) return;
      off();
      resolve(e);
    });
  });
}

async function expectMessagesFlow(id: string, text: string): Promise<void> {
  const sent = await s.messages.sendText({ instanceId: id, to: CUSTOMER, text });
  await t.sandbox.waitForMessage(CUSTOMER, (m) => m.id === sent.messageId && m.text === text);
  const received = new Promise<string>((resolve) => {
    const off = s.events.on('messageReceived', (m) => {
      if (m.instanceId !== id || m.text !== `re: ${text}`) return;
      off();
      resolve(m.id);
    });
  });
  const replyId = await t.sandbox.sendText(CUSTOMER, OWNER, `re: ${text}`);
  expect(await received).toBe(replyId);
}

describe('instance health', () => {
  it('detects an ONLINE socket that stopped acknowledging sends, reports it and heals it by reconnecting', async () => {
    const id = (await s.registry.create({ name: 'health' })).id;
    const qr = nextQr(s.events, id);
    const online = waitStatus(s.events, id, 'ONLINE');
    await s.registry.connect(id);
    await t.sandbox.scanQr(OWNER, await qr);
    await online;
    await expectMessagesFlow(id, 'before');
    // Twice: the customer's first reply starts a session of its own (a pkmsg, and the contact's LID
    // learnt from it), and a send right after could still need a query to WhatsApp (a prekey or
    // device fetch), which the silence below would time out instead of leaving a send unacked.
    await expectMessagesFlow(id, 'before, again');
    expect((await s.registry.get(id)).health).toMatchObject({ state: 'OK', reason: null });

    // WhatsApp goes silent on the open socket: everything it would send (acks included) waits 30 s.
    t.sandbox.fault({ kind: 'delay', ms: 30_000 });
    const degraded = nextSystem('INSTANCE_DEGRADED', id);
    const reconnecting = waitStatus(s.events, id, 'RECONNECTING');
    const stalled = await s.messages.sendText({ instanceId: id, to: CUSTOMER, text: 'into the silence' });
    expect((await degraded).message).toContain(stalled.messageId);
    const view = await s.registry.get(id);
    expect(view.health).toMatchObject({ state: 'DEGRADED', reason: expect.stringContaining('did not acknowledge') });
    await reconnecting;

    t.sandbox.fault({ kind: 'clear' });
    const healed = nextSystem('INSTANCE_HEALED', id);
    await waitStatus(s.events, id, 'ONLINE', 20_000);
    await healed;
    expect((await s.registry.get(id)).health).toMatchObject({ state: 'OK', reason: null });
    await expectMessagesFlow(id, 'after');
  });
});
