import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateWebhookDocument, KindMessageDocument, KindReceivedDocument, MessageChangedDocument, PresenceDocument, SendTextDocument } from '../graphql/generated/graphql.ts';
import { eventually } from '../helpers/rest-client.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';

// Every kind a phone sends arrives with its content: in `messageReceived` and in the ledger.
// Edits, deletes and reactions change the stored message they name.
const OWNER = '15550470001';
const CUSTOMER = '15550470002';

let gw: TestGateway;
let id: string;

beforeAll(async () => {
  gw = await startTestGateway({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
  await gw.sandbox.createPhone(OWNER, 'Owner');
  await gw.sandbox.createPhone(CUSTOMER, 'Customer');
  id = await gw.linkInstance('kinds-in', OWNER);
});
afterAll(() => gw?.close());

/** Sends from the customer's phone and waits for the gateway to publish it; returns the published message. */
async function receive(send: () => Promise<string>) {
  const sub = await gw.ws.subscribe(KindReceivedDocument, { instanceId: id });
  try {
    const messageId = await send();
    return (await sub.next((d) => d.messageReceived.id === messageId)).messageReceived;
  } finally {
    sub.close();
  }
}

const stored = async (messageId: string) => (await gw.http.ok(KindMessageDocument, { instanceId: id, id: messageId })).message!;

describe('receiving every kind', () => {
  it('a location carries its coordinates, name and address, in the event and the ledger', async () => {
    const m = await receive(() => gw.sandbox.sendKind(CUSTOMER, OWNER, { location: { latitude: 52.52, longitude: 13.405, name: 'Office', address: 'Unter den Linden 1' } }));
    expect(m).toMatchObject({ type: 'LOCATION', location: { latitude: 52.52, longitude: 13.405, name: 'Office', address: 'Unter den Linden 1', live: false } });
    expect((await stored(m.id)).location).toEqual(m.location);
    const live = await receive(() => gw.sandbox.sendKind(CUSTOMER, OWNER, { location: { latitude: -33.9, longitude: 151.2, live: true } }));
    expect(live.location).toMatchObject({ latitude: -33.9, longitude: 151.2, live: true });
  });

  it('contact cards carry name, vCard and phone numbers', async () => {
    const one = await receive(() => gw.sandbox.sendKind(CUSTOMER, OWNER, { contacts: [{ displayName: 'Ana', phoneNumbers: ['+49 151 000111'] }] }));
    expect(one).toMatchObject({ type: 'CONTACT', contacts: [{ displayName: 'Ana', phoneNumbers: ['49151000111'] }] });
    expect(one.contacts![0]!.vcard).toContain('BEGIN:VCARD');
    const two = await receive(() =>
      gw.sandbox.sendKind(CUSTOMER, OWNER, { contacts: [{ displayName: 'Ana', phoneNumbers: ['49151000111'] }, { displayName: 'Bo', phoneNumbers: ['4415550000', '4415550001'] }] }),
    );
    expect(two.contacts!.map((c) => [c.displayName, c.phoneNumbers])).toEqual([
      ['Ana', ['49151000111']],
      ['Bo', ['4415550000', '4415550001']],
    ]);
    expect((await stored(two.id)).contacts).toHaveLength(2);
  });

  it('a poll carries its question, options and selectable count', async () => {
    const m = await receive(() => gw.sandbox.sendKind(CUSTOMER, OWNER, { poll: { question: 'Lunch?', options: ['Pizza', 'Sushi', 'Salad'], selectableCount: 1 } }));
    expect(m).toMatchObject({ type: 'POLL', poll: { question: 'Lunch?', options: ['Pizza', 'Sushi', 'Salad'], selectableCount: 1 } });
    expect((await stored(m.id)).pollResults).toEqual([
      { option: 'Pizza', votes: 0, voters: [] },
      { option: 'Sushi', votes: 0, voters: [] },
      { option: 'Salad', votes: 0, voters: [] },
    ]);
  });

  it('a reply carries the quoted message, mentions and the forwarded flag', async () => {
    const first = await receive(() => gw.sandbox.sendText(CUSTOMER, OWNER, 'the original'));
    const reply = await receive(() =>
      gw.sandbox.sendKind(CUSTOMER, OWNER, { reply: { text: 'replying @15550470001', quote: first.id, mentions: [`${OWNER}@s.whatsapp.net`], forwarded: true } }),
    );
    expect(reply).toMatchObject({ type: 'TEXT', text: 'replying @15550470001', mentions: [`${OWNER}@s.whatsapp.net`], forwarded: true, quoted: { id: first.id, text: 'the original' } });
    expect((await stored(reply.id)).quoted?.id).toBe(first.id);
  });

  it('view-once and ephemeral wrappers are unwrapped and flagged', async () => {
    const once = await receive(() => gw.sandbox.sendRaw(CUSTOMER, OWNER, { viewOnceMessage: { message: { extendedTextMessage: { text: 'see me once' } } } }));
    expect(once).toMatchObject({ type: 'TEXT', text: 'see me once', viewOnce: true, ephemeral: false });
    const gone = await receive(() => gw.sandbox.sendRaw(CUSTOMER, OWNER, { ephemeralMessage: { message: { extendedTextMessage: { text: 'disappearing', contextInfo: { expiration: 86400 } } } } }));
    expect(gone).toMatchObject({ type: 'TEXT', text: 'disappearing', ephemeral: true, viewOnce: false });
  });

  it('a reaction arrives as REACTION and is listed on its target; an empty emoji removes it', async () => {
    const target = await receive(() => gw.sandbox.sendText(CUSTOMER, OWNER, 'react to me'));
    const changes = await gw.ws.subscribe(MessageChangedDocument, { instanceId: id });
    const reaction = await receive(() => gw.sandbox.sendKind(CUSTOMER, OWNER, { reaction: { messageId: target.id, emoji: '👍' } }));
    expect(reaction).toMatchObject({ type: 'REACTION', reaction: { emoji: '👍', targetId: target.id } });
    const updated = (await changes.next((d) => d.messageChanged.message.id === target.id)).messageChanged;
    expect(updated.kind).toBe('UPDATED');
    expect(updated.message.reactions).toMatchObject([{ emoji: '👍', senderJid: `${CUSTOMER}@s.whatsapp.net` }]);
    await receive(() => gw.sandbox.sendKind(CUSTOMER, OWNER, { reaction: { messageId: target.id, emoji: '' } }));
    const removed = (await changes.next((d) => d.messageChanged.message.id === target.id && d.messageChanged.message.reactions.length === 0)).messageChanged;
    expect(removed.message.reactions).toEqual([]);
    expect((await stored(target.id)).reactions).toEqual([]);
    changes.close();
  });

  it('an edit and a delete from the phone update the stored message and emit MESSAGE_EDITED / MESSAGE_DELETED', async () => {
    const hooks = await WebhookReceiver.start();
    await gw.http.ok(CreateWebhookDocument, { input: { instanceId: id, url: hooks.url, events: ['MESSAGE_EDITED', 'MESSAGE_DELETED'] } });
    const original = await receive(() => gw.sandbox.sendText(CUSTOMER, OWNER, 'typo hre'));
    const changes = await gw.ws.subscribe(MessageChangedDocument, { instanceId: id });
    await gw.sandbox.sendKind(CUSTOMER, OWNER, { edit: { messageId: original.id, text: 'typo here' } });
    const edited = (await changes.next((d) => d.messageChanged.kind === 'EDITED' && d.messageChanged.message.id === original.id)).messageChanged.message;
    expect(edited).toMatchObject({ text: 'typo here', edited: true, deleted: false, editHistory: [{ text: 'typo hre' }] });
    await gw.sandbox.sendKind(CUSTOMER, OWNER, { revoke: { messageId: original.id } });
    const deleted = (await changes.next((d) => d.messageChanged.kind === 'DELETED' && d.messageChanged.message.id === original.id)).messageChanged.message;
    expect(deleted).toMatchObject({ deleted: true, edited: true });
    expect(deleted.deletedAt).toBeTruthy();
    expect(await stored(original.id)).toMatchObject({ text: 'typo here', deleted: true, editHistory: [{ text: 'typo hre' }] });
    changes.close();
    const hook = (type: string) => async () => JSON.parse((await hooks.waitFor((h) => JSON.parse(h.raw.toString()).type === type))[0]!.raw.toString());
    expect((await hook('MESSAGE_EDITED')()).data).toMatchObject({ id: original.id, text: 'typo here', history: { edits: [{ text: 'typo hre' }] } });
    expect((await hook('MESSAGE_DELETED')()).data).toMatchObject({ id: original.id, history: { deletedAt: expect.any(String) } });
    await hooks.close();
  });

  it("a phone cannot edit or delete someone else's message (the sandbox refuses, as WhatsApp clients do)", async () => {
    const mine = await receive(() => gw.sandbox.sendText(CUSTOMER, OWNER, 'from the customer'));
    await expect(gw.sandbox.sendKind(OWNER, CUSTOMER, { edit: { messageId: mine.id, text: 'hijacked' } })).rejects.toThrow(/NOT_YOUR_MESSAGE/);
  });

  it("the gateway ignores a modified client's revoke or edit of a message it did not write", async () => {
    const ours = (await gw.http.ok(SendTextDocument, { input: { instanceId: id, to: CUSTOMER, text: 'from the desk' } })).sendText.messageId;
    const key = { remoteJid: `${OWNER}@s.whatsapp.net`, fromMe: true, id: ours };
    await gw.sandbox.sendRaw(CUSTOMER, OWNER, { protocolMessage: { key, type: 'REVOKE' } });
    await gw.sandbox.sendRaw(CUSTOMER, OWNER, { protocolMessage: { key, type: 'MESSAGE_EDIT', editedMessage: { conversation: 'forged' } } });
    // Messages of one sender are handled in order: once a later one is published, both were seen.
    await receive(() => gw.sandbox.sendText(CUSTOMER, OWNER, 'after the forgeries'));
    expect(await stored(ours)).toMatchObject({ text: 'from the desk', deleted: false, edited: false });
  });

  it("presence: a contact's typing and recording, and (once subscribed to) their online state", async () => {
    const sub = await gw.ws.subscribe(PresenceDocument, { instanceId: id, contacts: [CUSTOMER] });
    const customer = `${CUSTOMER}@s.whatsapp.net`;
    await gw.sandbox.presence(CUSTOMER, 'composing', OWNER);
    expect((await sub.next((d) => d.presence.state === 'COMPOSING')).presence).toMatchObject({ jid: customer, chatJid: customer });
    await gw.sandbox.presence(CUSTOMER, 'recording', OWNER);
    await sub.next((d) => d.presence.state === 'RECORDING');
    // WhatsApp's presence subscription is fire-and-forget: the phone shows itself online until the
    // sandbox has taken the subscription, and the gateway hears of it.
    await eventually(async () => {
      await gw.sandbox.presence(CUSTOMER, 'available');
      return sub.results.some((r) => r.data?.presence.state === 'AVAILABLE' && r.data.presence.jid === customer);
    }, 'AVAILABLE after subscribing');
    sub.close();
  });
});

