import { describe, expect, it } from 'vitest';
import { InstanceHealthDocument, InstanceStatusDocument, MessageReceivedDocument, SendTextStoredDocument, SystemEventsDocument } from '../graphql/generated/graphql.ts';
import { useLinkedGateway } from '../helpers/linked-gateway.ts';
import { scrapeMetrics } from '../helpers/metrics.ts';

// A broken Signal session as an operator sees it through the public API: the system event that
// says which contact and why, the metric, Instance.health, and the instance passing messages again.
const OWNER = '15550450001';
const CUSTOMER = '15550450002';

const linked = useLinkedGateway({ instance: 'session-health', owner: OWNER, customer: CUSTOMER });

describe('a broken Signal session, through the public API', () => {
  it('is reported (INSTANCE_DEGRADED naming the contact, metric), healed (INSTANCE_HEALED, health OK) and messages flow both ways', async () => {
    const { gw, id } = linked;
    const events = await gw.ws.subscribe(SystemEventsDocument, {});
    const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
    const inbound = await gw.ws.subscribe(MessageReceivedDocument, { instanceId: id });
    // A session with the contact, both ways.
    const first = await gw.http.ok(SendTextStoredDocument, { input: { instanceId: id, to: CUSTOMER, text: 'hello' } });
    await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === first.sendText.messageId);
    const hi = await gw.sandbox.sendText(CUSTOMER, OWNER, 'hi');
    await inbound.next((d) => d.messageReceived.id === hi, 30_000, 'the first reply');
    expect((await gw.http.ok(InstanceHealthDocument, { id })).instance?.health).toMatchObject({ state: 'OK', reason: null });

    // The instance is away (its connection cut, logins refused) while the contact's stored session
    // goes out of step and it writes three times: at the next login the three arrive as backlog,
    // each fails to decrypt before any retry can be answered.
    await gw.sandbox.fault({ kind: 'refuse-logins', seconds: 60 });
    await gw.sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING');
    expect((await gw.sandbox.fault({ kind: 'corrupt-session', phoneNumber: CUSTOMER })).affected).toBe(1);
    const texts = ['are you there?', 'hello??', 'answer please'];
    const phoneIds: string[] = [];
    for (const text of texts) phoneIds.push(await gw.sandbox.sendText(CUSTOMER, OWNER, text));
    await gw.sandbox.fault({ kind: 'clear' });
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 60_000, 'ONLINE again');

    const { systemEvents: degraded } = await events.next((d) => d.systemEvents.type === 'INSTANCE_DEGRADED' && d.systemEvents.instanceId === id, 30_000, 'INSTANCE_DEGRADED');
    expect(degraded.message).toContain(CUSTOMER);
    expect(degraded.message).toMatch(/failed to decrypt/);
    await events.next((d) => d.systemEvents.type === 'INSTANCE_HEALED' && d.systemEvents.instanceId === id, 30_000, 'INSTANCE_HEALED');
    const metric = await scrapeMetrics(gw.url, gw.adminToken);
    expect(metric('wamux_instance_health_changes_total{state="DEGRADED"}')).toBe(1);
    expect(metric('wamux_instance_health_changes_total{state="OK"}')).toBe(1);
    expect(metric('wamux_instances_degraded')).toBe(0);
    expect((await gw.http.ok(InstanceHealthDocument, { id })).instance?.health).toMatchObject({ state: 'OK', reason: null });

    // Nothing the contact wrote was lost (each arrives once), and messages flow both ways.
    const receivedIds = () => inbound.results.map((r) => r.data?.messageReceived.id);
    await inbound.next(() => phoneIds.every((p) => receivedIds().includes(p)), 30_000, 'the three messages');
    const { sendText } = await gw.http.ok(SendTextStoredDocument, { input: { instanceId: id, to: CUSTOMER, text: 'sorry, I was away' } });
    await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === sendText.messageId);
    const reply = await gw.sandbox.sendText(CUSTOMER, OWNER, 'no problem');
    await inbound.next((d) => d.messageReceived.id === reply && d.messageReceived.text === 'no problem', 30_000, 'the reply');
    const backlog = inbound.results.map((r) => r.data!.messageReceived).filter((m) => phoneIds.includes(m.id));
    expect(backlog.map((m) => m.text).sort()).toEqual([...texts].sort());
    inbound.close();
    events.close();
    status.close();
  }, 120_000);
});
