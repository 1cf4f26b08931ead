import { jidDecode, type BinaryNode } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox } from '../helpers/sandbox.ts';
import { WireLog } from '../helpers/sandbox-wire.ts';

let t: Awaited<ReturnType<typeof startTestSandbox>>;
let next = 15550042000;
const newPhone = () => t.sandbox.createPhone({ phoneNumber: String(next++) }).phoneNumber;

beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(() => t.stop());

const child = (node: BinaryNode, tag: string) => (Array.isArray(node.content) ? node.content.find((c) => c.tag === tag) : undefined);
const retryReceipts = (log: WireLog, id: string) => log.frames.filter((n) => n.tag === 'receipt' && n.attrs.type === 'retry' && n.attrs.id === id);

/** A linked companion that already has a Signal session with `peer` (one message each way). */
async function linkedWithSession(phone: string, peer: string) {
  const c = await t.link(phone);
  const log = new WireLog(c);
  const first = await c.sock.sendMessage(`${peer}@s.whatsapp.net`, { text: 'hello' });
  await t.sandbox.waitForMessage(peer, (m) => m.id === first!.key.id);
  const back = await t.sandbox.sendText(peer, phone, 'hello back');
  await log.until(() => log.upsertsOf(back).length, 'the answer');
  return { c, log };
}

describe('a phone that cannot decrypt asks the companion to retry', () => {
  it('sends a retry receipt (count, id, t, registration) and decrypts the copy the companion sends again', async () => {
    const phone = newPhone();
    const peer = newPhone();
    const { c, log } = await linkedWithSession(phone, peer);
    const failuresBefore = t.sandbox.net.decryptFailures;

    t.sandbox.fault({ kind: 'phone-decrypt-failure', phoneNumber: peer });
    const sent = await c.sock.sendMessage(`${peer}@s.whatsapp.net`, { text: 'second try' });
    const id = sent!.key.id!;
    const got = await t.sandbox.waitForMessage(peer, (m) => m.id === id, 15_000);
    expect(got).toMatchObject({ from: phone, text: 'second try' });

    const [retry] = retryReceipts(log, id);
    expect(retry!.attrs.from).toBe(`${peer}@s.whatsapp.net`);
    expect(child(retry!, 'retry')!.attrs).toMatchObject({ count: '1', id, v: '1' });
    expect(child(retry!, 'registration')!.content).toHaveLength(4);
    // The phone still had its session: no key bundle on a first retry (whatsmeow, Baileys alike).
    expect(child(retry!, 'keys')).toBeUndefined();
    expect(t.sandbox.net.decryptFailures).toBe(failuresBefore + 1);
    expect(t.sandbox.messages(peer).filter((m) => m.id === id)).toHaveLength(1);
    c.end();
  });

  it('after a session reset the retry carries a key bundle, and messages flow both ways again', async () => {
    const phone = newPhone();
    const peer = newPhone();
    const { c, log } = await linkedWithSession(phone, peer);

    t.sandbox.fault({ kind: 'reset-session', phoneNumber: peer });
    const sent = await c.sock.sendMessage(`${peer}@s.whatsapp.net`, { text: 'after the reset' });
    const id = sent!.key.id!;
    await t.sandbox.waitForMessage(peer, (m) => m.id === id, 15_000);
    const keys = child(retryReceipts(log, id)[0]!, 'keys')!;
    expect(keys.content).toEqual(expect.arrayContaining([expect.objectContaining({ tag: 'identity' }), expect.objectContaining({ tag: 'skey' })]));

    const back = await t.sandbox.sendText(peer, phone, 'and back');
    await log.until(() => log.upsertsOf(back).length, 'the phone message on a new session');
    c.end();
  });

  it('after a new identity (reinstall) the companion is told and messages flow both ways again', async () => {
    const phone = newPhone();
    const peer = newPhone();
    const { c, log } = await linkedWithSession(phone, peer);
    const identityBefore = Buffer.from(t.sandbox.phone(peer).signal.identity.public);

    expect(t.sandbox.fault({ kind: 'new-identity', phoneNumber: peer }).affected).toBeGreaterThanOrEqual(1);
    await log.until(() => log.frames.find((n) => n.tag === 'notification' && n.attrs.type === 'encrypt' && n.attrs.from === `${peer}@s.whatsapp.net`), 'the identity notification');
    expect(Buffer.from(t.sandbox.phone(peer).signal.identity.public).equals(identityBefore)).toBe(false);

    const sent = await c.sock.sendMessage(`${peer}@s.whatsapp.net`, { text: 'to the new phone' });
    await t.sandbox.waitForMessage(peer, (m) => m.id === sent!.key.id, 15_000);
    const back = await t.sandbox.sendText(peer, phone, 'from the new phone');
    await log.until(() => log.upsertsOf(back).length, 'the message from the new identity');
    c.end();
  });
});

describe('a companion that cannot decrypt asks the phone to retry', () => {
  it('the phone sends the message again from its own store, on a new session from the bundle', async () => {
    const phone = newPhone();
    const peer = newPhone();
    const { c, log } = await linkedWithSession(phone, peer);
    // The companion loses its session with the phone (as a rolled-back key store would).
    for (const jid of [`${peer}@s.whatsapp.net`, t.sandbox.phone(peer).lidJid]) {
      await c.auth.keys.set({ session: { [c.sock.signalRepository.jidToSignalProtocolAddress(jid)]: null } });
    }

    const id = await t.sandbox.sendText(peer, phone, 'say that again');
    await log.until(() => log.upsertsOf(id).length, 'the message, decrypted after a retry', 20_000);
    expect(log.upsertsOf(id)).toHaveLength(1);
    expect(log.upsertsOf(id)[0]!.message?.conversation).toBe('say that again');
    // The first copy failed; each copy the phone sent again names the retry it answers.
    const copies = log.messageFrames(id);
    expect(copies.length).toBeGreaterThanOrEqual(2);
    expect(child(copies.at(-1)!, 'enc')!.attrs.count).toBeDefined();
    c.end();
  });
});

describe('a phone whose stored session went out of step', () => {
  it('fails at the companion (Bad MAC), answers the first retry on the broken session and the second, with a key bundle, on a new one', async () => {
    const phone = newPhone();
    const peer = newPhone();
    const { c, log } = await linkedWithSession(phone, peer);
    expect(t.sandbox.fault({ kind: 'corrupt-session', phoneNumber: peer }).affected).toBe(1);

    const retries = () => t.sandbox.net.stats.companionRetries.get(phone) ?? 0;
    const retriesBefore = retries();
    const id = await t.sandbox.sendText(peer, phone, 'out of step');
    await log.until(() => log.upsertsOf(id).length, 'the message, decrypted after two retries', 20_000);
    expect(log.upsertsOf(id)).toHaveLength(1);
    expect(retries()).toBe(retriesBefore + 2);
    // The original and the copy answering the first retry, on the broken session; then the copy
    // answering the second (which carried the companion's key bundle), a pkmsg on a new session.
    const copies = log.messageFrames(id).map((f) => [child(f, 'enc')!.attrs.type, child(f, 'enc')!.attrs.count]);
    expect(copies).toEqual([['msg', undefined], ['msg', '1'], ['pkmsg', '2']]);

    // The new session carries both ways from now on.
    const sent = await c.sock.sendMessage(`${peer}@s.whatsapp.net`, { text: 'back on track' });
    await t.sandbox.waitForMessage(peer, (m) => m.id === sent!.key.id, 15_000);
    const next = await t.sandbox.sendText(peer, phone, 'good');
    await log.until(() => log.upsertsOf(next).length, 'the next message');
    expect(retries()).toBe(retriesBefore + 2);
    c.end();
  });
});

describe('group (sender-key) retries', () => {
  it('a member phone that cannot decrypt asks the sending companion, which sends it again with its sender key', async () => {
    const phone = newPhone();
    const member = newPhone();
    const c = await t.link(phone);
    const log = new WireLog(c);
    const group = t.sandbox.createGroup({ subject: 'Retries', owner: phone, participants: [member] });
    const first = await c.sock.sendMessage(group.jid, { text: 'hello group' });
    await t.sandbox.waitForMessage(member, (m) => m.id === first!.key.id);

    t.sandbox.fault({ kind: 'phone-decrypt-failure', phoneNumber: member });
    const sent = await c.sock.sendMessage(group.jid, { text: 'again, please' });
    const id = sent!.key.id!;
    await t.sandbox.waitForMessage(member, (m) => m.id === id, 15_000);
    const [retry] = retryReceipts(log, id);
    expect(retry!.attrs).toMatchObject({ from: group.jid, participant: t.sandbox.phone(member).lidJid });
    expect(t.sandbox.messages(member).filter((m) => m.id === id)).toHaveLength(1);
    c.end();
  });

  it('a companion without the phone\'s sender key asks for it, and the phone sends the message again with it', async () => {
    const phone = newPhone();
    const member = newPhone();
    const c = await t.link(phone);
    const log = new WireLog(c);
    const group = t.sandbox.createGroup({ subject: 'Lost keys', owner: member, participants: [phone] });
    // The phone believes the companion already holds its sender key (as after the companion lost its store).
    t.sandbox.phone(member).senderKeyHolders.set(group.jid, new Set([`${phone}:${jidDecode(c.auth.creds.me!.id)!.device}`]));

    const id = await t.sandbox.sendText(member, group.jid, 'can you read this?');
    await log.until(() => log.upsertsOf(id).length, 'the group message after a retry', 20_000);
    expect(log.upsertsOf(id)[0]!.message?.conversation).toBe('can you read this?');
    expect(log.messageFrames(id).length).toBeGreaterThanOrEqual(2);
    c.end();
  });
});
