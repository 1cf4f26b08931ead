import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeleteMessageDocument,
  EditMessageDocument,
  ForwardMessageDocument,
  KindMessageDocument,
  KindReceivedDocument,
  MessageChangedDocument,
  SendContactDocument,
  SendLocationDocument,
  SendMediaDocument,
  SendPollDocument,
  SendPresenceDocument,
  SendReactionDocument,
  SendReplyDocument,
  SendStickerDocument,
  SendTextDocument,
} from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { serveFiles, type FileServer } from '../helpers/file-server.ts';
import { mediaSamples } from '../helpers/media-samples.ts';
import { eventually } from '../helpers/rest-client.ts';
import { storedFromPhone } from '../helpers/phone-messages.ts';

// Every kind the gateway sends: the phone decodes the same content (WAProto, decrypted by the
// sandbox), and the ledger stores it. Bad input answers a clear code, never INTERNAL_SERVER_ERROR.
const OWNER = '15550480001';
const ANA = '15550480002';
const BO = '15550480003';

let gw: TestGateway;
let files: FileServer;
let id: string;

beforeAll(async () => {
  gw = await startTestGateway({ env: { MEDIA_ALLOW_PRIVATE_URLS: 'true' } });
  files = await serveFiles();
  await gw.sandbox.createPhone(OWNER, 'Desk');
  await gw.sandbox.createPhone(ANA, 'Ana');
  await gw.sandbox.createPhone(BO, 'Bo');
  id = await gw.linkInstance('kinds-out', OWNER);
});
afterAll(async () => {
  await files?.close();
  await gw?.close();
});

const onPhone = (phone: string, messageId: string) => gw.sandbox.waitForMessage(phone, (m) => m.id === messageId);
const stored = async (messageId: string) => (await gw.http.ok(KindMessageDocument, { instanceId: id, id: messageId })).message!;

const fromPhone = (phone: string, text: string) => storedFromPhone(gw, id, phone, OWNER, text);

describe('sending every kind', () => {
  it('a location: the phone decodes the same coordinates; the ledger has them', async () => {
    const sent = (await gw.http.ok(SendLocationDocument, { input: { instanceId: id, to: ANA, latitude: 48.8584, longitude: 2.2945, name: 'Tour Eiffel', address: 'Champ de Mars' } })).sendLocation;
    expect(sent.message).toMatchObject({ type: 'LOCATION', status: 'SENT', location: { latitude: 48.8584, longitude: 2.2945, name: 'Tour Eiffel', address: 'Champ de Mars', live: false } });
    const got = await onPhone(ANA, sent.messageId);
    expect(got.content.locationMessage).toMatchObject({ degreesLatitude: 48.8584, degreesLongitude: 2.2945, name: 'Tour Eiffel', address: 'Champ de Mars' });
  });

  it('contact cards: the vCard is built from name and numbers when not given', async () => {
    const sent = (
      await gw.http.ok(SendContactDocument, {
        input: { instanceId: id, to: ANA, contacts: [{ displayName: 'Support', phoneNumbers: ['+49 151 2345678'] }, { displayName: 'Sales', phoneNumbers: [], vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Sales\nTEL;waid=4930123456:+4930123456\nEND:VCARD' }] },
      })
    ).sendContact;
    expect(sent.message.contacts!.map((c) => [c.displayName, c.phoneNumbers])).toEqual([
      ['Support', ['491512345678']],
      ['Sales', []],
    ]);
    const got = await onPhone(ANA, sent.messageId);
    const cards = got.content.contactsArrayMessage.contacts as Array<{ displayName: string; vcard: string }>;
    expect(cards.map((c) => c.displayName)).toEqual(['Support', 'Sales']);
    expect(cards[0]!.vcard).toContain('waid=491512345678');
    expect(cards[1]!.vcard).toContain('waid=4930123456');
  });

  it('a poll voted by two phones in a group: pollResults shows both votes, decrypted', async () => {
    const { jid: group } = await gw.sandbox.createGroup({ subject: 'Lunch', owner: OWNER, participants: [ANA, BO] });
    const sent = (await gw.http.ok(SendPollDocument, { input: { instanceId: id, to: group, question: 'Where?', options: ['Pizza', 'Sushi', 'Salad'], selectableCount: 1 } })).sendPoll;
    expect(sent.message).toMatchObject({ type: 'POLL', poll: { question: 'Where?', options: ['Pizza', 'Sushi', 'Salad'], selectableCount: 1 } });
    for (const phone of [ANA, BO]) {
      const got = await onPhone(phone, sent.messageId);
      expect(got.content.pollCreationMessageV3).toMatchObject({ name: 'Where?', selectableOptionsCount: 1 });
      // The secret the votes are encrypted with travels with the poll.
      expect(Buffer.from(got.content.messageContextInfo.messageSecret, 'base64')).toHaveLength(32);
    }
    const changes = await gw.ws.subscribe(MessageChangedDocument, { instanceId: id });
    await gw.sandbox.sendKind(ANA, group, { vote: { messageId: sent.messageId, options: ['Sushi'] } });
    await gw.sandbox.sendKind(BO, group, { vote: { messageId: sent.messageId, options: ['Pizza'] } });
    const both = (await changes.next((d) => d.messageChanged.message.id === sent.messageId && d.messageChanged.message.pollResults!.reduce((n, o) => n + o.votes, 0) === 2)).messageChanged;
    const votes = Object.fromEntries(both.message.pollResults!.map((o) => [o.option, o.voters.length]));
    expect(votes).toEqual({ Pizza: 1, Sushi: 1, Salad: 0 });
    // A voter who changes their mind counts once, with the latest vote.
    await gw.sandbox.sendKind(ANA, group, { vote: { messageId: sent.messageId, options: ['Pizza'] } });
    await changes.next((d) => d.messageChanged.message.id === sent.messageId && d.messageChanged.message.pollResults![0]!.votes === 2);
    expect((await stored(sent.messageId)).pollResults!.map((o) => o.votes)).toEqual([2, 0, 0]);
    changes.close();
  });

  it('a reaction to a received message reaches the phone and is listed on the stored target; an empty emoji removes it', async () => {
    const target = await fromPhone(ANA, 'please react');
    const sent = (await gw.http.ok(SendReactionDocument, { input: { instanceId: id, messageId: target, emoji: '❤️' } })).sendReaction;
    expect(sent.message).toMatchObject({ type: 'REACTION', reaction: { emoji: '❤️', targetId: target } });
    const got = await onPhone(ANA, sent.messageId);
    expect(got.content.reactionMessage).toMatchObject({ text: '❤️', key: { id: target } });
    await eventually(async () => (await stored(target)).reactions.length === 1, 'the reaction on the stored target');
    expect((await stored(target)).reactions[0]).toMatchObject({ emoji: '❤️', senderJid: 'me' });
    await gw.http.ok(SendReactionDocument, { input: { instanceId: id, messageId: target, emoji: '' } });
    await eventually(async () => (await stored(target)).reactions.length === 0, 'the reaction removed');
  });

  it('an edit reaches the phone as a MESSAGE_EDIT protocol message; the stored text changes and keeps its history', async () => {
    const original = (await gw.http.ok(SendTextDocument, { input: { instanceId: id, to: ANA, text: 'Meeting at 10' } })).sendText.messageId;
    const changes = await gw.ws.subscribe(MessageChangedDocument, { instanceId: id });
    const sent = (await gw.http.ok(EditMessageDocument, { input: { instanceId: id, messageId: original, text: 'Meeting at 11' } })).editMessage;
    expect(sent.message).toMatchObject({ type: 'EDIT', text: 'Meeting at 11', status: 'SENT' });
    const got = await onPhone(ANA, sent.messageId);
    expect(got.content.protocolMessage).toMatchObject({ type: 'MESSAGE_EDIT', key: { id: original }, editedMessage: { extendedTextMessage: { text: 'Meeting at 11' } } });
    const edited = (await changes.next((d) => d.messageChanged.kind === 'EDITED' && d.messageChanged.message.id === original)).messageChanged.message;
    expect(edited).toMatchObject({ text: 'Meeting at 11', edited: true, editHistory: [{ text: 'Meeting at 10' }] });
    changes.close();
  });

  it('a delete for everyone reaches the phone as a REVOKE; the stored message is marked deleted. forEveryone: false is ledger-only', async () => {
    const original = (await gw.http.ok(SendTextDocument, { input: { instanceId: id, to: ANA, text: 'oops, wrong chat' } })).sendText.messageId;
    const sent = (await gw.http.ok(DeleteMessageDocument, { input: { instanceId: id, messageId: original } })).deleteMessage;
    expect(sent.message).toMatchObject({ type: 'REVOKE', status: 'SENT' });
    const got = await onPhone(ANA, sent.messageId);
    expect(got.content.protocolMessage).toMatchObject({ type: 'REVOKE', key: { id: original, fromMe: true } });
    await eventually(async () => (await stored(original)).deleted, 'the stored message marked deleted');
    const received = await fromPhone(ANA, 'delete me here only');
    const local = (await gw.http.ok(DeleteMessageDocument, { input: { instanceId: id, messageId: received, forEveryone: false } })).deleteMessage;
    expect(local).toMatchObject({ messageId: received, message: { id: received, deleted: true } });
    expect((await gw.sandbox.messages(ANA)).filter((m) => m.content.protocolMessage?.key?.id === received)).toEqual([]);
  });

  it('a reply quotes the stored message and mentions; a forward is marked forwarded', async () => {
    const question = await fromPhone(ANA, 'Is the shop open?');
    const reply = (await gw.http.ok(SendReplyDocument, { input: { instanceId: id, to: ANA, text: `Yes! @${BO} knows more`, replyTo: question, mentions: [BO] } })).sendText;
    expect(reply.message).toMatchObject({ quoted: { id: question, text: 'Is the shop open?' }, mentions: [`${BO}@s.whatsapp.net`] });
    const got = await onPhone(ANA, reply.messageId);
    expect(got.content.extendedTextMessage).toMatchObject({
      text: `Yes! @${BO} knows more`,
      contextInfo: { stanzaId: question, participant: `${ANA}@s.whatsapp.net`, quotedMessage: { conversation: 'Is the shop open?' }, mentionedJid: [`${BO}@s.whatsapp.net`] },
    });
    const forward = (await gw.http.ok(ForwardMessageDocument, { input: { instanceId: id, messageId: question, to: BO } })).forwardMessage;
    expect(forward.message).toMatchObject({ type: 'TEXT', text: 'Is the shop open?', forwarded: true });
    const fwd = await onPhone(BO, forward.messageId);
    expect(fwd.content.extendedTextMessage).toMatchObject({ text: 'Is the shop open?', contextInfo: { isForwarded: true } });
  });

  it('an image can reply and mention too: the quote rides the queued media', async () => {
    const question = await fromPhone(ANA, 'Send me a picture?');
    const { bytes } = mediaSamples.IMAGE();
    files.files.set('/p.jpg', { body: bytes, type: 'image/jpeg' });
    const sent = (await gw.http.ok(SendMediaDocument, { input: { instanceId: id, to: ANA, kind: 'IMAGE', url: `${files.url}/p.jpg`, caption: 'here', replyTo: question, mentions: [ANA] } })).sendMedia.messageId;
    const got = await onPhone(ANA, sent);
    expect(got.content.imageMessage).toMatchObject({ caption: 'here', contextInfo: { stanzaId: question, quotedMessage: { conversation: 'Send me a picture?' }, mentionedJid: [`${ANA}@s.whatsapp.net`] } });
    expect(await stored(sent)).toMatchObject({ quoted: { id: question }, mentions: [`${ANA}@s.whatsapp.net`] });
  });

  it('a media message forwards as the same file, received or sent: the other phone decodes the same bytes, nothing is uploaded again', async () => {
    const { bytes } = mediaSamples.IMAGE();
    const sub = await gw.ws.subscribe(KindReceivedDocument, { instanceId: id });
    const received = await gw.sandbox.sendMedia(ANA, OWNER, { kind: 'image', base64: bytes.toString('base64'), mimeType: 'image/jpeg', caption: 'from Ana' });
    await sub.next((d) => d.messageReceived.id === received);
    sub.close();
    const forward = (await gw.http.ok(ForwardMessageDocument, { input: { instanceId: id, messageId: received, to: BO } })).forwardMessage;
    expect(forward.message).toMatchObject({ type: 'IMAGE', text: 'from Ana', forwarded: true, status: 'SENT' });
    const got = await onPhone(BO, forward.messageId);
    expect(got.content.imageMessage).toMatchObject({ caption: 'from Ana', mimetype: 'image/jpeg', contextInfo: { isForwarded: true } });
    expect((await gw.sandbox.downloadMedia(BO, got.id)).bytes.equals(bytes)).toBe(true);
    // The same blob on WhatsApp's media servers, under the same key and hashes.
    const original = (await gw.sandbox.messages(OWNER)).find((m) => m.id === received)!;
    for (const field of ['directPath', 'mediaKey', 'fileSha256', 'fileEncSha256']) expect(got.content.imageMessage[field]).toBe(original.content.imageMessage[field]);

    // Media this gateway sent keeps its reference too (as Baileys returned the sent message).
    const doc = Buffer.from('a document the desk sent, then forwarded\n');
    files.files.set('/notes.txt', { body: doc, type: 'text/plain' });
    const sent = (await gw.http.ok(SendMediaDocument, { input: { instanceId: id, to: ANA, kind: 'DOCUMENT', url: `${files.url}/notes.txt`, fileName: 'notes.txt', mimeType: 'text/plain' } })).sendMedia.messageId;
    await onPhone(ANA, sent);
    const again = (await gw.http.ok(ForwardMessageDocument, { input: { instanceId: id, messageId: sent, to: BO } })).forwardMessage;
    const gotDoc = await onPhone(BO, again.messageId);
    expect(gotDoc.content.documentMessage).toMatchObject({ fileName: 'notes.txt', contextInfo: { isForwarded: true } });
    expect((await gw.sandbox.downloadMedia(BO, gotDoc.id)).bytes.equals(doc)).toBe(true);

    // What a forward does not carry answers a clear code.
    const reaction = (await gw.http.ok(SendReactionDocument, { input: { instanceId: id, messageId: received, emoji: '👍' } })).sendReaction.messageId;
    expect((await gw.http.fail(ForwardMessageDocument, { input: { instanceId: id, messageId: reaction, to: BO } })).extensions).toMatchObject({ code: 'MESSAGE_NOT_FORWARDABLE', reason: 'KIND' });
  });

  it('a sticker (WebP) arrives as a sticker', async () => {
    const { bytes } = mediaSamples.STICKER();
    files.files.set('/s.webp', { body: bytes, type: 'image/webp' });
    const sent = (await gw.http.ok(SendStickerDocument, { input: { instanceId: id, to: ANA, url: `${files.url}/s.webp` } })).sendSticker;
    expect(sent.message).toMatchObject({ type: 'STICKER', status: 'SENT' });
    const got = await onPhone(ANA, sent.messageId);
    expect(got).toMatchObject({ type: 'sticker', mimeType: 'image/webp' });
    expect((await gw.sandbox.downloadMedia(ANA, got.id)).bytes.equals(bytes)).toBe(true);
  });

  it('typing and recording reach the phone as chatstate', async () => {
    expect((await gw.http.ok(SendPresenceDocument, { input: { instanceId: id, to: BO, state: 'COMPOSING' } })).sendPresence).toBe(true);
    await gw.http.ok(SendPresenceDocument, { input: { instanceId: id, to: BO, state: 'RECORDING' } });
    await eventually(async () => (await gw.sandbox.presences(BO)).some((p) => p.kind === 'chatstate' && p.state === 'recording'), 'recording on the phone');
    expect((await gw.sandbox.presences(BO)).filter((p) => p.kind === 'chatstate').map((p) => p.state)).toEqual(['composing', 'recording']);
  });
});

describe('bad input answers a clear code', () => {
  const code = async (p: Promise<{ extensions?: Record<string, unknown> }>) => (await p).extensions;

  it('location, contact, poll', async () => {
    expect(await code(gw.http.fail(SendLocationDocument, { input: { instanceId: id, to: ANA, latitude: 91, longitude: 0 } }))).toMatchObject({ code: 'VALIDATION_FAILED', field: 'latitude' });
    expect(await code(gw.http.fail(SendLocationDocument, { input: { instanceId: id, to: ANA, latitude: 0, longitude: -180.5 } }))).toMatchObject({ code: 'VALIDATION_FAILED', field: 'longitude' });
    expect(await code(gw.http.fail(SendContactDocument, { input: { instanceId: id, to: ANA, contacts: [{ displayName: 'Nobody', phoneNumbers: [] }] } }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await code(gw.http.fail(SendContactDocument, { input: { instanceId: id, to: ANA, contacts: [] } })))?.code).toMatch(/VALIDATION_FAILED|BAD_USER_INPUT/);
    for (const options of [['only one'], Array.from({ length: 13 }, (_, i) => `o${i}`)]) {
      expect(await code(gw.http.fail(SendPollDocument, { input: { instanceId: id, to: ANA, question: 'Q?', options } }))).toMatchObject({ code: 'VALIDATION_FAILED', field: 'options' });
    }
    expect(await code(gw.http.fail(SendPollDocument, { input: { instanceId: id, to: ANA, question: 'Q?', options: ['a', 'a'] } }))).toMatchObject({ code: 'VALIDATION_FAILED', field: 'options' });
    expect(await code(gw.http.fail(SendPollDocument, { input: { instanceId: id, to: ANA, question: 'Q?', options: ['a', 'b'], selectableCount: 3 } }))).toMatchObject({ code: 'VALIDATION_FAILED', field: 'selectableCount' });
  });

  it('reaction, edit, delete, forward, reply of unknown or foreign messages', async () => {
    const unknown = { instanceId: id, messageId: 'NO-SUCH-MESSAGE' };
    expect(await code(gw.http.fail(SendReactionDocument, { input: { ...unknown, emoji: '👍' } }))).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    expect(await code(gw.http.fail(EditMessageDocument, { input: { ...unknown, text: 'x' } }))).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    expect(await code(gw.http.fail(DeleteMessageDocument, { input: unknown }))).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    expect(await code(gw.http.fail(ForwardMessageDocument, { input: { ...unknown, to: BO } }))).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    expect(await code(gw.http.fail(SendReplyDocument, { input: { instanceId: id, to: ANA, text: 'hi', replyTo: 'NO-SUCH-MESSAGE' } }))).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    const theirs = await fromPhone(BO, 'not yours to change');
    expect(await code(gw.http.fail(EditMessageDocument, { input: { instanceId: id, messageId: theirs, text: 'changed' } }))).toMatchObject({ code: 'NOT_MESSAGE_AUTHOR' });
    expect(await code(gw.http.fail(DeleteMessageDocument, { input: { instanceId: id, messageId: theirs } }))).toMatchObject({ code: 'NOT_MESSAGE_AUTHOR' });
    const location = (await gw.http.ok(SendLocationDocument, { input: { instanceId: id, to: BO, latitude: 1, longitude: 1 } })).sendLocation.messageId;
    expect(await code(gw.http.fail(EditMessageDocument, { input: { instanceId: id, messageId: location, text: 'x' } }))).toMatchObject({ code: 'MESSAGE_NOT_EDITABLE' });
    expect(await code(gw.http.fail(SendPresenceDocument, { input: { instanceId: id, state: 'COMPOSING' } }))).toMatchObject({ code: 'VALIDATION_FAILED', field: 'to' });
    expect(await code(gw.http.fail(SendStickerDocument, { input: { instanceId: id, to: ANA, url: `${files.url}/none.webp` } }))).toMatchObject({ code: 'MEDIA_FETCH_FAILED' });
  });
});
