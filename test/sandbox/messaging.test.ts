import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox } from '../helpers/sandbox.ts';

let t: Awaited<ReturnType<typeof startTestSandbox>>;
const ALICE = '15550002001';
const BOB = '15550002002';

beforeAll(async () => {
  t = await startTestSandbox();
  t.sandbox.createPhone({ phoneNumber: ALICE, pushName: 'Alice' });
  t.sandbox.createPhone({ phoneNumber: BOB, pushName: 'Bob' });
});
afterAll(() => t.stop());

describe('pairing code', () => {
  it('links with the code the companion shows', async () => {
    const c = t.companion();
    await c.waitForQr();
    const code = await c.sock.requestPairingCode(ALICE);
    const opened = c.waitForOpen();
    const linked = await t.sandbox.enterPairingCode(ALICE, code);
    await opened;
    expect(c.auth.creds.me?.id).toBe(`${ALICE}:${linked.deviceId}@s.whatsapp.net`);
    c.end();
  });

  it('refuses a wrong code', async () => {
    const c = t.companion();
    await c.waitForQr();
    await c.sock.requestPairingCode(BOB);
    await expect(t.sandbox.enterPairingCode(BOB, 'ABCDEFGH')).rejects.toMatchObject({ code: 'WRONG_PAIRING_CODE' });
    c.end();
  });
});

describe('text, receipts and presence', () => {
  it('flows both ways and reconnects with stored creds', async () => {
    const alice = await t.link(ALICE);
    const aliceJid = alice.auth.creds.me!.id;

    // phone -> companion
    const incoming = alice.next('messages.upsert', (u) => u.messages.some((m) => !m.key.fromMe));
    const sentId = await t.sandbox.sendText(BOB, ALICE, 'hello from Bob');
    const upsert = await incoming;
    const msg = upsert.messages.find((m) => m.key.id === sentId)!;
    expect(msg.message?.conversation).toBe('hello from Bob');
    expect(msg.key.remoteJid).toBe(`${BOB}@s.whatsapp.net`);
    expect(msg.pushName).toBe('Bob');
    // Baileys answers with a delivery receipt, which Bob's phone records
    await t.sandbox.waitForReceipt(BOB, (r) => r.messageId === sentId && r.from === ALICE);

    // companion -> phone, then delivery and read receipts back
    const delivered = alice.next('messages.update', (u) => u.some((x) => x.update.status === 3));
    const sent = await alice.sock.sendMessage(`${BOB}@s.whatsapp.net`, { text: 'hi Bob, from Alice' });
    const got = await t.sandbox.waitForMessage(BOB, (m) => m.id === sent!.key.id);
    expect(got).toMatchObject({ from: ALICE, type: 'text', text: 'hi Bob, from Alice' });
    expect((await delivered).find((x) => x.update.status === 3)?.key.id).toBe(sent!.key.id);
    const read = alice.next('messages.update', (u) => u.some((x) => x.key.id === sent!.key.id && x.update.status === 4));
    expect(t.sandbox.markRead(BOB, [sent!.key.id!])).toBe(1);
    await read;

    // presence and typing
    await alice.sock.presenceSubscribe(`${BOB}@s.whatsapp.net`);
    // The subscription is a stanza the network takes in on its own time: wait until it is recorded.
    await expect.poll(() => [...t.sandbox.phone(ALICE).companions.values()].some((c) => c.presenceSubscriptions.has(BOB))).toBe(true);
    const online = alice.next('presence.update', (p) => p.presences[`${BOB}@s.whatsapp.net`]?.lastKnownPresence === 'available');
    t.sandbox.sendPresence(BOB, 'available');
    await online;
    const typing = alice.next('presence.update', (p) => p.presences[`${BOB}@s.whatsapp.net`]?.lastKnownPresence === 'composing');
    t.sandbox.sendPresence(BOB, 'composing', ALICE);
    await typing;
    await alice.sock.sendPresenceUpdate('composing', `${BOB}@s.whatsapp.net`);
    await t.sandbox.waitForPresence(BOB, (p) => p.from === ALICE && p.state === 'composing');

    // reconnect with the stored creds: no QR, same identity, existing ratchets keep working
    alice.end();
    const again = t.companion(alice.auth);
    await again.waitForOpen();
    expect(again.qrs).toEqual([]);
    expect(again.auth.creds.me!.id).toBe(aliceJid);
    const second = again.next('messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'still there?'));
    await t.sandbox.sendText(BOB, ALICE, 'still there?');
    await second;
    const reply = await again.sock.sendMessage(`${BOB}@s.whatsapp.net`, { text: 'yes' });
    await t.sandbox.waitForMessage(BOB, (m) => m.id === reply!.key.id && m.text === 'yes');
  });
});
