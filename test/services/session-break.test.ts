import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics, type SystemEvent } from '../../src/services/shared/index.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { startTestSandbox } from '../helpers/sandbox.ts';
import { nextQr, startServices, waitStatus, type TestServices } from '../helpers/services.ts';

// A contact's phone whose Signal session with the account breaks, in the ways WhatsApp users meet:
// the phone drops its sessions, its stored session goes out of step (Bad MAC), it is reinstalled.
// Baileys' own machinery (pkmsg, retry receipts with a key bundle, the identity-change
// notification) repairs each message; what the gateway adds is telling it: a contact whose messages
// keep failing to decrypt makes the instance DEGRADED (health, event, metric), its session is
// re-established, and the next message that decrypts makes it OK again.
const HEALTH = { ackTimeoutMs: 10_000, checkEveryMs: 100, decryptFailures: 3, decryptWindowMs: 60_000 };

let db: TestOrm;
let t: Awaited<ReturnType<typeof startTestSandbox>>;
let s: TestServices;
let metrics: Metrics;
const started: TestServices[] = [];
const systemEvents: SystemEvent[] = [];
let nextNumber = 15550230001;

interface Linked {
  id: string;
  owner: string;
  customer: string;
}

function services(): TestServices {
  metrics = new Metrics();
  const services = startServices({ orm: db.orm, waWebSocketUrl: t.sandbox.info.wsUrl, health: HEALTH, metrics });
  services.events.on('system', (e) => systemEvents.push(e));
  started.push(services);
  return services;
}

beforeAll(async () => {
  db = await createTestOrm();
  t = await startTestSandbox();
  s = services();
});
afterAll(async () => {
  for (const services of started) await services.stop();
  await t.stop();
  await db.close();
});

const newPhone = (pushName: string) => t.sandbox.createPhone({ phoneNumber: String(nextNumber++), pushName }).phoneNumber;

async function linkedInstance(): Promise<Linked> {
  const owner = newPhone('Owner');
  const customer = newPhone('Customer');
  const id = (await s.registry.create({ name: `break-${owner}` })).id;
  const qr = nextQr(s.events, id);
  const online = waitStatus(s.events, id, 'ONLINE');
  await s.registry.connect(id);
  await t.sandbox.scanQr(owner, await qr);
  await online;
  await expectMessagesFlow(id, owner, customer, 'before');
  return { id, owner, customer };
}

/** Resolves with the id of the instance's next received message with this text. */
function received(id: string, text: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for "${text}"`));
    }, timeoutMs);
    const off = s.events.on('messageReceived', (m) => {
      if (m.instanceId !== id || m.text !== text) return;
      clearTimeout(timer);
      off();
      resolve(m.id);
    });
  });
}

function nextSystem(type: SystemEvent['type'], id: string, timeoutMs = 30_000): Promise<SystemEvent> {
  const seen = systemEvents.find((e) => e.type === type && e.instanceId === id);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${type}`));
    }, timeoutMs);
    const off = s.events.on('system', (e) => {
      if (e.type !== type || e.instanceId !== id) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

async function phoneSends(c: Linked, text: string): Promise<void> {
  const got = received(c.id, text);
  const phoneId = await t.sandbox.sendText(c.customer, c.owner, text);
  expect(await got).toBe(phoneId);
}

async function companionSends(c: Linked, text: string): Promise<void> {
  const sent = await s.messages.sendText({ instanceId: c.id, to: c.customer, text });
  await t.sandbox.waitForMessage(c.customer, (m) => m.id === sent.messageId && m.text === text, 30_000);
}

async function expectMessagesFlow(id: string, owner: string, customer: string, text: string): Promise<void> {
  const c = { id, owner, customer };
  await companionSends(c, text);
  await phoneSends(c, `re: ${text}`);
}

/** Each message reached its recipient once: a message sent again after a retry is still one message. */
function expectEachOnce(c: Linked): void {
  const inbox = t.sandbox.messages(c.customer).map((m) => m.id);
  expect(new Set(inbox).size).toBe(inbox.length);
}

const degradations = (id: string) => systemEvents.filter((e) => e.instanceId === id && e.type === 'INSTANCE_DEGRADED');

describe('a contact whose Signal session breaks', () => {
  it('drops its sessions and keeps its identity: its pkmsg starts a new one, a retry covers ours, nothing degrades', async () => {
    const c = await linkedInstance();
    // The phone writes first: a pkmsg on a new session, which Baileys simply decrypts.
    t.sandbox.fault({ kind: 'reset-session', phoneNumber: c.customer });
    await phoneSends(c, 'I reset my session');
    await companionSends(c, 'fine by me');
    // We write first: the phone has no session for it, asks for a retry with a key bundle, and
    // Baileys sends the message again on a session from that bundle.
    t.sandbox.fault({ kind: 'reset-session', phoneNumber: c.customer });
    const retriesBefore = t.sandbox.net.decryptFailures;
    await companionSends(c, 'can you read this?');
    expect(t.sandbox.net.decryptFailures).toBe(retriesBefore + 1);
    await phoneSends(c, 'yes');
    expectEachOnce(c);
    expect((await s.registry.get(c.id)).health).toMatchObject({ state: 'OK', reason: null });
    expect(degradations(c.id)).toEqual([]);
  });

  it('is reinstalled with a new identity: the gateway is told, re-fetches its keys, and messages flow both ways', async () => {
    const c = await linkedInstance();
    expect(t.sandbox.fault({ kind: 'new-identity', phoneNumber: c.customer }).affected).toBeGreaterThanOrEqual(1);
    await companionSends(c, 'to your new phone');
    await phoneSends(c, 'from my new phone');
    await companionSends(c, 'and again');
    expectEachOnce(c);
    expect((await s.registry.get(c.id)).health).toMatchObject({ state: 'OK', reason: null });
    expect(degradations(c.id)).toEqual([]);
  });

  it('goes out of step (Bad MAC): one message is repaired by retry receipts alone, and nothing degrades', async () => {
    const c = await linkedInstance();
    expect(t.sandbox.fault({ kind: 'corrupt-session', phoneNumber: c.customer }).affected).toBeGreaterThanOrEqual(1);
    // The first copy and the copy sent again on the same session fail; the second retry receipt
    // carries our key bundle and the phone answers on a new session.
    await phoneSends(c, 'out of step');
    await companionSends(c, 'got it');
    await phoneSends(c, 'good');
    expectEachOnce(c);
    expect((await s.registry.get(c.id)).health).toMatchObject({ state: 'OK', reason: null });
    expect(degradations(c.id)).toEqual([]);
  });

  it('cannot decrypt what we send: its retry receipts make the instance DEGRADED, its next delivery receipt heals it', async () => {
    const c = await linkedInstance();
    // The contact's phone fails every message from us (and asks for each again, in vain).
    t.sandbox.fault({ kind: 'phone-decrypt-failure', phoneNumber: c.customer, count: 1_000 });
    const degraded = nextSystem('INSTANCE_DEGRADED', c.id);
    for (const text of ['one', 'two', 'three']) await s.messages.sendText({ instanceId: c.id, to: c.customer, text });
    expect((await degraded).message).toMatch(new RegExp(`messages to ${c.customer}@s.whatsapp.net could not be decrypted by its device`));
    expect((await s.registry.get(c.id)).health).toMatchObject({ state: 'DEGRADED' });

    t.sandbox.fault({ kind: 'clear' });
    const healed = nextSystem('INSTANCE_HEALED', c.id);
    await expectMessagesFlow(c.id, c.owner, c.customer, 'readable again');
    await healed;
    expect((await s.registry.get(c.id)).health).toMatchObject({ state: 'OK', reason: null });
    expect(degradations(c.id)).toHaveLength(1);
  });

  it('goes out of step while the gateway is away: its backlog keeps failing, the instance is DEGRADED, the session re-established and the instance healed', async () => {
    const c = await linkedInstance();
    // A restart, and meanwhile the contact's stored session breaks and it writes three messages:
    // at login they arrive one after another (offline), before any retry can be answered.
    await s.stop();
    t.sandbox.fault({ kind: 'corrupt-session', phoneNumber: c.customer });
    const texts = ['are you there?', 'hello??', 'answer please'];
    const phoneIds: string[] = [];
    for (const text of texts) phoneIds.push(await t.sandbox.sendText(c.customer, c.owner, text));
    s = services();
    const degraded = nextSystem('INSTANCE_DEGRADED', c.id);
    const healed = nextSystem('INSTANCE_HEALED', c.id);
    const arrived = Promise.all(texts.map((text) => received(c.id, text)));
    const online = waitStatus(s.events, c.id, 'ONLINE');
    await s.registry.restore();
    await online;

    const degradedEvent = await degraded;
    expect(degradedEvent.message).toMatch(/failed to decrypt.*re-establishing the Signal session/);
    expect(degradedEvent.message).toContain(c.customer);
    expect(await metrics.healthChanges.get()).toMatchObject({ values: expect.arrayContaining([expect.objectContaining({ labels: { state: 'DEGRADED' }, value: 1 })]) });

    // Every message of the backlog arrives, once, and the first one that decrypts heals the instance.
    expect(await arrived).toEqual(phoneIds);
    await healed;
    expect((await s.registry.get(c.id)).health).toMatchObject({ state: 'OK', reason: null });
    expect(await metrics.healthChanges.get()).toMatchObject({ values: expect.arrayContaining([expect.objectContaining({ labels: { state: 'OK' }, value: 1 })]) });

    await expectMessagesFlow(c.id, c.owner, c.customer, 'after the heal');
    expectEachOnce(c);
    expect(degradations(c.id)).toHaveLength(1);
  });
});
