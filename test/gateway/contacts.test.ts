import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactsDocument, InstanceStatusDocument, MessageReceivedDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';

// Contacts persisted per instance: learned from message senders (1:1 by number, groups by LID with
// the number beside it), Baileys' LID mappings and group notifications; one identity per person;
// kept across a reconnect and a restart; searchable by name and number; the legacy listing reads
// the same store. Real Baileys against the sandbox, real database.
const OWNER = '15550710001';
const ALICE = '15550710002';
const BOB = '15550710003';

let first: TestGateway;
let gw: TestGateway;
let id: string;

beforeAll(async () => {
  first = await startTestGateway();
  gw = first;
  await gw.sandbox.createPhone(OWNER, 'Owner');
  await gw.sandbox.createPhone(ALICE, 'Alice Liddell');
  await gw.sandbox.createPhone(BOB, 'Bob Builder');
  id = await gw.linkInstance('contacts', OWNER);
});
afterAll(async () => {
  if (gw !== first) await gw?.close();
  await first?.close();
});

/** The phone writes `text` to `to`; resolves once the gateway stored it. */
async function arrives(from: string, to: string, text: string): Promise<void> {
  const sub = await gw.ws.subscribe(MessageReceivedDocument, { instanceId: id });
  try {
    const messageId = await gw.sandbox.sendText(from, to, text);
    await sub.next((d) => d.messageReceived.id === messageId);
  } finally {
    sub.close();
  }
}

const contacts = async (search?: string) => (await gw.http.ok(ContactsDocument, { instanceId: id, first: 50, ...(search === undefined ? {} : { search }) })).contacts.edges.map((e) => e.node);

describe('contacts', () => {
  it('learns senders by number and by LID as one identity per person, with their push names', async () => {
    await arrives(ALICE, OWNER, 'hello from Alice');
    await arrives(BOB, OWNER, 'hello from Bob');
    const { jid } = await gw.sandbox.createGroup({ subject: 'Crew', owner: BOB, participants: [OWNER, ALICE] });
    // In a LID-addressed group WhatsApp names Bob by LID, with his number beside it.
    await arrives(BOB, jid, 'hello crew');
    const bobLid = (await gw.sandbox.groups()).find((g) => g.jid === jid)!.participants.find((p) => p.phoneNumber === BOB)!.lid;

    const all = await contacts();
    const bobs = all.filter((c) => c.phoneNumber === BOB || c.lid === bobLid);
    expect(bobs).toEqual([expect.objectContaining({ jid: `${BOB}@s.whatsapp.net`, phoneNumber: BOB, lid: bobLid, pushName: 'Bob Builder', displayName: 'Bob Builder' })]);
    expect(all.filter((c) => c.phoneNumber === ALICE)).toEqual([expect.objectContaining({ jid: `${ALICE}@s.whatsapp.net`, pushName: 'Alice Liddell' })]);
    expect(all.some((c) => c.phoneNumber === OWNER)).toBe(false);
  });

  it('finds a person by name (any case) and by number (any formatting); pages with cursors', async () => {
    expect((await contacts('alice')).map((c) => c.phoneNumber)).toEqual([ALICE]);
    expect((await contacts('BUILDER')).map((c) => c.phoneNumber)).toEqual([BOB]);
    expect((await contacts(`+1 555-071-0003`)).map((c) => c.phoneNumber)).toEqual([BOB]);
    expect((await contacts('0710002')).map((c) => c.phoneNumber)).toEqual([ALICE]);
    expect(await contacts('nobody by that name')).toEqual([]);
    // LIKE wildcards are taken literally.
    expect(await contacts('%')).toEqual([]);

    const page1 = (await gw.http.ok(ContactsDocument, { instanceId: id, first: 1 })).contacts;
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await gw.http.ok(ContactsDocument, { instanceId: id, first: 50, after: page1.pageInfo.endCursor })).contacts;
    expect([...page1.edges, ...page2.edges].map((e) => e.node.phoneNumber).sort()).toEqual((await contacts()).map((c) => c.phoneNumber).sort());
  });

  it('the legacy /api/contacts reads the same store, in its own format', async () => {
    const res = await fetch(`${gw.url}/api/contacts/${id}?search=alice`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
    const body = (await res.json()) as { data: { contacts: unknown[] } };
    expect(body.data.contacts).toEqual([{ jid: `${ALICE}@s.whatsapp.net`, phoneNumber: ALICE, name: 'Alice Liddell', isGroup: false }]);
  });

  it('keeps them across a reconnect and a restart', async () => {
    const before = await contacts();
    const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
    await gw.sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING', undefined, 'RECONNECTING');
    await status.next((d) => d.instanceStatus.status === 'ONLINE', undefined, 'ONLINE again');
    status.close();
    expect(await contacts()).toEqual(before);

    await gw.stop();
    gw = await startTestGateway({ storage: first.storage });
    // Readable at once, before (and whether or not) the instance is back online.
    expect((await contacts()).map((c) => [c.phoneNumber, c.lid, c.pushName])).toEqual(before.map((c) => [c.phoneNumber, c.lid, c.pushName]));
    await gw.waitForStatus(id, 'ONLINE');
    await arrives(ALICE, OWNER, 'after the restart');
    expect((await contacts('alice')).length).toBe(1);
  });

  it('answers bad input with a code', async () => {
    const code = async (variables: Parameters<typeof gw.http.fail<unknown, { instanceId: string; search?: string; after?: string }>>[1]) =>
      (await gw.http.fail(ContactsDocument, variables as never)).extensions?.code;
    expect(await code({ instanceId: id, search: 'x'.repeat(101) })).toBe('BAD_USER_INPUT');
    expect(await code({ instanceId: id, after: 'not a cursor' })).toBe('VALIDATION_FAILED');
    expect(await code({ instanceId: '00000000-0000-4000-8000-000000000000' })).toBe('INSTANCE_NOT_FOUND');
  });
});
