import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateWebhookDocument, SendPollDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { storedFromPhone } from '../helpers/phone-messages.ts';
import { WebhookReceiver, type ReceivedHook } from '../helpers/webhook-receiver.ts';

// Reactions, poll votes, edits, deletes and group changes reach webhooks, each as an event with an
// id of its own (the same content twice is two events). That the same change delivered again keeps
// its id is test/services/change-event-ids.test.ts. Real Baileys against the sandbox, a real
// receiver on loopback.
const OWNER = '15550510001';
const ANA = '15550510002';
const BO = '15550510003';
const ENV = { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_POLL_MS: '20', WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_RETRY_MAX_MS: '60' };

let gw: TestGateway;
let hooks: WebhookReceiver;
let id: string;

beforeAll(async () => {
  gw = await startTestGateway({ env: ENV });
  for (const [phone, name] of [[OWNER, 'Desk'], [ANA, 'Ana'], [BO, 'Bo']] as const) await gw.sandbox.createPhone(phone, name);
  id = await gw.linkInstance('change-events', OWNER);
  hooks = await WebhookReceiver.start();
  const events = ['MESSAGE_RECEIVED', 'MESSAGE_EDITED', 'MESSAGE_DELETED', 'MESSAGE_UPDATED', 'GROUP_PARTICIPANTS_UPDATED', 'GROUP_UPDATED'] as const;
  await gw.http.ok(CreateWebhookDocument, { input: { instanceId: id, url: hooks.url, events: [...events] } });
});
afterAll(async () => {
  await hooks?.close();
  await gw?.close();
});

interface Body {
  id: string;
  type: string;
  data: Record<string, any>;
}
const body = (h: ReceivedHook) => JSON.parse(h.raw.toString()) as Body;
const of = (type: string, match: (data: Body['data']) => boolean) => (h: ReceivedHook) => body(h).type === type && match(body(h).data);
const idsOf = (hits: ReceivedHook[]) => hits.map((h) => body(h).id);

const fromPhone = (phone: string, text: string) => storedFromPhone(gw, id, phone, OWNER, text);

describe('webhook events of changes', () => {
  it('reactions, poll votes, edits and a delete: one event each, every one with a fresh id', async () => {
    const text = await fromPhone(ANA, 'hello');
    await gw.sandbox.sendKind(ANA, OWNER, { reaction: { messageId: text, emoji: '👍' } });
    await gw.sandbox.sendKind(ANA, OWNER, { reaction: { messageId: text, emoji: '❤️' } });
    const reactions = await hooks.waitFor(of('MESSAGE_UPDATED', (d) => d.id === text), 2);
    expect(reactions.map((h) => body(h).data.reactions.map((r: { emoji: string }) => r.emoji))).toEqual([['👍'], ['❤️']]);
    // The reactions are messages of their own, too.
    expect(await hooks.waitFor(of('MESSAGE_RECEIVED', (d) => d.type === 'REACTION' && d.details?.reaction?.targetId === text), 2)).toHaveLength(2);

    // The same choice twice (Yes, No, Yes) is three votes: three events, three ids.
    const poll = (await gw.http.ok(SendPollDocument, { input: { instanceId: id, to: ANA, question: 'Open on Sunday?', options: ['Yes', 'No'] } })).sendPoll.messageId;
    await gw.sandbox.waitForMessage(ANA, (m) => m.id === poll);
    for (const option of ['Yes', 'No', 'Yes']) await gw.sandbox.sendKind(ANA, OWNER, { vote: { messageId: poll, options: [option] } });
    const votes = await hooks.waitFor(of('MESSAGE_UPDATED', (d) => d.id === poll), 3);
    expect(votes.map((h) => body(h).data.pollResults.map((o: { option: string; voters: string[] }) => o.voters.length))).toEqual([
      [1, 0],
      [0, 1],
      [1, 0],
    ]);

    await gw.sandbox.sendKind(ANA, OWNER, { edit: { messageId: text, text: 'hello!' } });
    await gw.sandbox.sendKind(ANA, OWNER, { edit: { messageId: text, text: 'hello!!' } });
    const edits = await hooks.waitFor(of('MESSAGE_EDITED', (d) => d.id === text), 2);
    expect(edits.map((h) => body(h).data.text)).toEqual(['hello!', 'hello!!']);
    await gw.sandbox.sendKind(ANA, OWNER, { revoke: { messageId: text } });
    const deleted = await hooks.waitFor(of('MESSAGE_DELETED', (d) => d.id === text));

    const ids = idsOf([...reactions, ...votes, ...edits, ...deleted]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('group changes: a fresh id for each notification, the same change again included', async () => {
    const { jid } = await gw.sandbox.createGroup({ subject: 'Event ids', owner: ANA, participants: [OWNER, BO] });
    const subjects = ['One', 'Two', 'One'];
    for (const subject of subjects) await gw.sandbox.changeGroup(jid, ANA, { subject });
    const renamed = await hooks.waitFor(of('GROUP_UPDATED', (d) => d.groupJid === jid && d.type === 'SUBJECT_CHANGED'), 3);
    expect(renamed.map((h) => body(h).data.subject)).toEqual(subjects);
    for (const action of ['promote', 'demote', 'promote'] as const) await gw.sandbox.changeGroup(jid, ANA, { action, participants: [BO] });
    const roles = await hooks.waitFor(of('GROUP_PARTICIPANTS_UPDATED', (d) => d.groupJid === jid), 3);
    expect(roles.map((h) => body(h).data.type)).toEqual(['PARTICIPANTS_PROMOTED', 'PARTICIPANTS_DEMOTED', 'PARTICIPANTS_PROMOTED']);
    const ids = idsOf([...renamed, ...roles]);
    expect(new Set(ids).size).toBe(6);

  });
});
