import { describe, expect, it } from 'vitest';
import { InstanceDocument, InstancesDocument, InstanceStatusDocument, MessageStatusDocument, SendTextStoredDocument } from '../graphql/generated/graphql.ts';
import { useLinkedGateway } from '../helpers/linked-gateway.ts';
import { RestClient } from '../helpers/rest-client.ts';

// What the public API says must be true, through the durable send queue: a send whose socket dies
// under it answers with its id and the status it is stored with (never an unexpected error, never a
// null id) and goes out once when the instance is back; after a restart, an instance stored ONLINE
// reads CONNECTING on GraphQL and REST until its session is really online again.
const OWNER = '15550440001';
const CUSTOMER = '15550440002';
const OTHER_OWNER = '15550440003';
const STRANGERS = ['15550440011', '15550440012', '15550440013'];

const linked = useLinkedGateway({ instance: 'honest', owner: OWNER, customer: CUSTOMER });

describe('honest answers through the public API', () => {
  it('a send whose socket dies while it waits on WhatsApp answers with its id and stored status, and goes out once after the reconnect', async () => {
    const { gw, id } = linked;
    for (const phone of STRANGERS) await gw.sandbox.createPhone(phone, 'Stranger');
    const statuses = await gw.ws.subscribe(MessageStatusDocument, { instanceId: id });
    const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
    // Every stanza from WhatsApp now takes 2 s: a send to someone never written to waits on the
    // number lookup, the device list and the key bundle when the connection is cut.
    await gw.sandbox.fault({ kind: 'delay', ms: 2_000 });
    const calls = STRANGERS.map((to, i) => gw.http.request(SendTextStoredDocument, { input: { instanceId: id, to, text: `cut ${i}` } }));
    await statuses.next((d) => d.messageStatus.status === 'SENDING' && d.messageStatus.message.text?.startsWith('cut ') === true, 30_000, 'a send under way');
    await gw.sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING');
    await gw.sandbox.fault({ kind: 'clear' });

    const answers = await Promise.all(calls);
    for (const [i, answer] of answers.entries()) {
      expect(answer.errors).toBeUndefined();
      const { messageId, message } = answer.data!.sendText;
      expect(messageId).toMatch(/^[0-9A-F]{10,}$/);
      expect(message).toMatchObject({ id: messageId, text: `cut ${i}`, direction: 'OUTBOUND' });
      expect(['QUEUED', 'SENDING', 'SENT', 'DELIVERED']).toContain(message.status);
    }
    for (const [i, answer] of answers.entries()) {
      const messageId = answer.data!.sendText.messageId;
      await gw.sandbox.waitForMessage(STRANGERS[i]!, (m) => m.id === messageId, 30_000);
      expect((await gw.sandbox.messages(STRANGERS[i]!)).filter((m) => m.id === messageId)).toHaveLength(1);
    }
    statuses.close();
    status.close();
  }, 120_000);

  it('after a restart, an instance stored ONLINE reads CONNECTING until its session is online again', async () => {
    await linked.gw.sandbox.createPhone(OTHER_OWNER, 'Other owner');
    const other = await linked.gw.linkInstance('honest-other', OTHER_OWNER);
    const owners = new Map([
      [linked.id, OWNER],
      [other, OTHER_OWNER],
    ]);
    // One instance at a time, 8 s apart: the second one's row says ONLINE (the previous run's)
    // while nothing connects it.
    const gw = await linked.restart({ RESTORE_CONCURRENCY: '1', RESTORE_STAGGER_MS: '8000' });
    const rest = new RestClient(gw.url).as(gw.adminToken);

    /** Every answer that says ONLINE names an instance whose device is connected right then. */
    const expectHonest = async () => {
      const before = new Map<string, boolean>();
      for (const [id, owner] of owners) before.set(id, (await gw.sandbox.devices(owner)).some((d) => d.connected));
      const graphql = new Map((await gw.http.ok(InstancesDocument)).instances.map((i) => [i.id, i]));
      const single = new Map(await Promise.all([...owners.keys()].map(async (id) => [id, (await gw.http.ok(InstanceDocument, { id })).instance!] as const)));
      const listed = new Map(((await rest.get('/api/instances?all=true')).body.data.instances as Array<{ instanceId: string; status: string; isConnected: boolean }>).map((i) => [i.instanceId, i]));
      const views: Array<[string, string]> = [];
      for (const [id, owner] of owners) {
        const connected = before.get(id) || (await gw.sandbox.devices(owner)).some((d) => d.connected);
        for (const status of [graphql.get(id)!.status, single.get(id)!.status]) {
          views.push([id, status]);
          if (!connected) expect(status).toBe('CONNECTING');
        }
        if (!connected) expect(listed.get(id)).toMatchObject({ status: 'disconnected', isConnected: false });
      }
      return views;
    };

    // At once, and again once the first is online (the second waits its turn).
    await expectHonest();
    await Promise.race([...owners.keys()].map((id) => gw.waitForStatus(id, 'ONLINE', 30_000)));
    const views = await expectHonest();
    // The test meant something: one of them was not connected yet, and said so.
    expect(views.some(([, s]) => s === 'CONNECTING')).toBe(true);
    for (const id of owners.keys()) await gw.waitForStatus(id, 'ONLINE', 30_000);
    for (const id of owners.keys()) expect((await gw.http.ok(InstanceDocument, { id })).instance?.status).toBe('ONLINE');
  }, 120_000);
});
