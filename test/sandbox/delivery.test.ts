import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox } from '../helpers/sandbox.ts';
import { EVENT_WAIT_MS } from '../helpers/budget.ts';
import { WireLog } from '../helpers/sandbox-wire.ts';

let t: Awaited<ReturnType<typeof startTestSandbox>>;
let next = 15550041000;
const newPhone = () => t.sandbox.createPhone({ phoneNumber: String(next++) }).phoneNumber;

beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(() => t.stop());

const backlog = (phone: string) => t.sandbox.devices(phone)[0]!.queued;

describe('the server keeps what a device has not acked', () => {
  it('a message written to a socket that died before the ack comes again, marked offline, at the next login', async () => {
    const phone = newPhone();
    const peer = newPhone();
    const c = await t.link(phone);
    const log = new WireLog(c);
    await expect.poll(() => backlog(phone)).toBe(0);

    t.sandbox.fault({ kind: 'drop-after-write', phoneNumber: phone });
    const closed = c.waitForClose();
    const id = await t.sandbox.sendText(peer, phone, 'written, never acked');
    await closed;
    // The server wrote it but never heard back: it is still owed to the device.
    expect(t.sandbox.devices(phone)[0]).toMatchObject({ connected: false, queued: 1 });

    c.connect();
    log.attach(c.sock);
    await log.until(() => log.messageFrames(id).find((n) => n.attrs.offline), 'the message again, marked offline');
    await expect.poll(() => backlog(phone)).toBe(0);
    // Baileys shows it at most once. (When the first socket decrypted it before dying, its receipt
    // failed and it never upserted it; the copy then fails with "Key used already" and is nacked:
    // that loss is Baileys' own, decrypt-before-ack, and the fault benchmark counts it.)
    expect(log.upsertsOf(id).length).toBeLessThanOrEqual(1);
    c.end();
  });

  it('redelivers the whole unacked backlog in order', async () => {
    const phone = newPhone();
    const peer = newPhone();
    const c = await t.link(phone);
    const log = new WireLog(c);
    // What linking queued (on a loaded box not all acked yet) is not part of the backlog under test.
    await expect.poll(() => backlog(phone), { timeout: EVENT_WAIT_MS }).toBe(0);
    c.end();
    await expect.poll(() => t.sandbox.devices(phone)[0]!.connected).toBe(false);
    const ids: string[] = [];
    for (const text of ['a', 'b', 'c', 'd']) ids.push(await t.sandbox.sendText(peer, phone, text));
    expect(backlog(phone)).toBe(4);

    c.connect();
    log.attach(c.sock);
    await log.until(() => ids.every((id) => log.upsertsOf(id).length === 1), 'all four');
    const order = log.frames.filter((n) => n.tag === 'message' && ids.includes(n.attrs.id!)).map((n) => ids.indexOf(n.attrs.id!));
    expect(order).toEqual([0, 1, 2, 3]);
    await expect.poll(() => backlog(phone)).toBe(0);
    c.end();
  });
});

describe('a nack is final (whatsmeow, Baileys: the device said it will never take it)', () => {
  it('a stanza the device nacked is not delivered again at the next login', async () => {
    const phone = newPhone();
    const peer = newPhone();
    const c = await t.link(phone);
    const log = new WireLog(c);
    await expect.poll(() => backlog(phone), { timeout: EVENT_WAIT_MS }).toBe(0);
    // A message Baileys refuses outright (an \`msmsg\` it holds no secret for): a nack (495), no receipt.
    const companion = [...t.sandbox.phone(phone).companions.values()][0]!;
    const id = '3EB0NACKED0000000001';
    t.sandbox.net.deliver(companion, {
      tag: 'message',
      attrs: { from: `${peer}@s.whatsapp.net`, id, t: String(Math.floor(Date.now() / 1000)), type: 'text' },
      content: [{ tag: 'enc', attrs: { v: '2', type: 'msmsg' }, content: Buffer.alloc(32, 1) }],
    });
    await expect.poll(() => t.sandbox.net.stats.companionNacks.get(phone)?.get('495'), { timeout: EVENT_WAIT_MS }).toBe(1);
    expect(backlog(phone)).toBe(0);

    c.end();
    await expect.poll(() => t.sandbox.devices(phone)[0]!.connected, { timeout: EVENT_WAIT_MS }).toBe(false);
    const later = await t.sandbox.sendText(peer, phone, 'after the nack');
    c.connect();
    log.attach(c.sock);
    // The login's backlog is written before its end marker: once that came, nothing else will.
    await log.until(() => log.frames.find((n) => n.tag === 'ib' && n.attrs.from === 's.whatsapp.net' && Array.isArray(n.content) && n.content[0]?.tag === 'offline'), 'the end of the backlog');
    expect(log.messageFrames(later).filter((n) => n.attrs.offline)).toHaveLength(1);
    expect(log.messageFrames(id)).toHaveLength(1);
    c.end();
  });
});

describe('delivery faults', () => {
  it('duplicate delivery: two copies on the wire, one message at Baileys, both acked', async () => {
    const phone = newPhone();
    const peer = newPhone();
    const c = await t.link(phone);
    const log = new WireLog(c);
    t.sandbox.fault({ kind: 'duplicate', phoneNumber: phone });
    const id = await t.sandbox.sendText(peer, phone, 'said twice');
    await log.until(() => log.messageFrames(id).length === 2, 'two copies');
    // A later message is processed after both copies (Baileys handles one chat in order).
    const after = await t.sandbox.sendText(peer, phone, 'after');
    await log.until(() => log.upsertsOf(after).length, 'the later message');
    expect(log.upsertsOf(id)).toHaveLength(1);
    await expect.poll(() => backlog(phone)).toBe(0);
    c.end();
  });

  it('out-of-order delivery: the later message overtakes, both decrypt', async () => {
    const phone = newPhone();
    const peer = newPhone();
    const c = await t.link(phone);
    const log = new WireLog(c);
    await t.sandbox.sendText(peer, phone, 'a session first');
    t.sandbox.fault({ kind: 'out-of-order', phoneNumber: phone });
    const first = await t.sandbox.sendText(peer, phone, 'first');
    const second = await t.sandbox.sendText(peer, phone, 'second');
    await log.until(() => log.upsertsOf(first).length && log.upsertsOf(second).length, 'both messages');
    const wire = log.frames.filter((n) => n.tag === 'message' && [first, second].includes(n.attrs.id!)).map((n) => n.attrs.id);
    expect(wire).toEqual([second, first]);
    expect(log.upsertsOf(first)[0]!.message?.conversation).toBe('first');
    c.end();
  });

  it('slow catch-up: the end-of-backlog marker comes late, and what arrives meanwhile comes before it', async () => {
    const phone = newPhone();
    const peer = newPhone();
    const c = await t.link(phone);
    const log = new WireLog(c);
    const offlineMarkers = () => log.frames.filter((n) => n.tag === 'ib' && Array.isArray(n.content) && n.content[0]?.tag === 'offline');
    c.end();
    await expect.poll(() => t.sandbox.devices(phone)[0]!.connected, { timeout: EVENT_WAIT_MS }).toBe(false);
    const queued = await t.sandbox.sendText(peer, phone, 'waiting offline');
    t.sandbox.fault({ kind: 'slow-catch-up', phoneNumber: phone, seconds: 600 });

    const markersBefore = offlineMarkers().length;
    c.connect();
    log.attach(c.sock);
    await c.waitForOpen();
    await log.until(() => log.messageFrames(queued).length, 'the backlog');
    const meanwhile = await t.sandbox.sendText(peer, phone, 'arrived while catching up');
    // The server answers what the device sends in order: its ack comes after anything written before it.
    const sent = await c.sock.sendMessage(`${peer}@s.whatsapp.net`, { text: 'a ping' });
    await log.until(() => log.frames.find((n) => n.tag === 'ack' && n.attrs.id === sent!.key.id), 'the server ack');
    expect(offlineMarkers()).toHaveLength(markersBefore);
    expect(log.messageFrames(meanwhile)).toHaveLength(0);

    t.sandbox.fault({ kind: 'clear' });
    await log.until(() => offlineMarkers().length > markersBefore, 'the end of the backlog');
    const order = log.frames.map((n) => (n.tag === 'message' ? n.attrs.id : n.tag === 'ib' && Array.isArray(n.content) && n.content[0]?.tag === 'offline' ? 'marker' : undefined)).filter(Boolean);
    expect(order.slice(-3)).toEqual([queued, meanwhile, 'marker']);
    await log.until(() => log.upsertsOf(meanwhile).length, 'the message that came meanwhile');
    c.end();
  });

  it.each([463, 475] as const)('reject-sends %i: the send is refused in the server ack and reaches nobody', { timeout: 60_000 }, async (code) => {
    const phone = newPhone();
    const peer = newPhone();
    const c = await t.link(phone);
    const log = new WireLog(c);
    // Past the first sync: a fresh link holds its events back until then (20 s at worst).
    const warmUp = await t.sandbox.sendText(peer, phone, 'warm up');
    await log.until(() => log.upsertsOf(warmUp).length, 'the first sync', 30_000);
    t.sandbox.fault({ kind: 'reject-sends', code, phoneNumber: phone });
    const sent = await c.sock.sendMessage(`${peer}@s.whatsapp.net`, { text: 'restricted' });
    const id = sent!.key.id!;
    const ack = await log.until(() => log.frames.find((n) => n.tag === 'ack' && n.attrs.id === id), 'the server ack');
    expect(ack.attrs.error).toBe(String(code));
    // Baileys marks the message failed with the code (in an update, or folded into its own upsert).
    const failures = () => [...log.upserts.filter((m) => m.key.id === id), ...log.updates.filter((u) => u.key.id === id).map((u) => u.update)];
    await log.until(() => failures().find((m) => m.status === 0 && m.messageStubParameters?.[0] === String(code)), 'the error at Baileys');
    // Only the next send was refused: the one after goes through.
    const ok = await c.sock.sendMessage(`${peer}@s.whatsapp.net`, { text: 'allowed again' });
    await t.sandbox.waitForMessage(peer, (m) => m.id === ok!.key.id);
    expect(t.sandbox.messages(peer).some((m) => m.id === id)).toBe(false);
    c.end();
  });
});
