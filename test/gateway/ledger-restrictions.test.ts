import { afterAll, describe, expect, it } from 'vitest';
import { InstanceSendQueuePauseDocument, MessageDocument, ResumeInstanceQueueDocument, SendTextStoredDocument, SystemEventsDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { scrapeMetrics } from '../helpers/metrics.ts';
import { eventually } from '../helpers/rest-client.ts';

// WhatsApp's account-restriction answers (the sandbox's reject-sends fault answers the send's
// server ack with error 463 or 475, as WhatsApp does): the send FAILS with the code, the instance's
// queue pauses (the rest stay QUEUED), INSTANCE_RESTRICTED is published; it resumes by hand or
// after SEND_RESTRICTED_PAUSE_SECONDS, and a pause outlives a restart.
const gateways: TestGateway[] = [];
afterAll(async () => {
  for (const gw of gateways.reverse()) await gw.close();
});

async function restrictedInstance(gw: TestGateway, owner: string, customer: string, code: 463 | 475) {
  await gw.sandbox.createPhone(owner, 'Owner');
  await gw.sandbox.createPhone(customer, 'Customer');
  const id = await gw.linkInstance(`restricted-${code}`, owner);
  const send = async (text: string) => (await gw.http.ok(SendTextStoredDocument, { input: { instanceId: id, to: customer, text } })).sendText;
  const events = await gw.ws.subscribe(SystemEventsDocument);
  await gw.sandbox.fault({ kind: 'reject-sends', code, phoneNumber: owner, count: 1 });
  const refused = await send('refused');
  // The mutation waited for WhatsApp's answer: the refusal, stored.
  expect(refused.message).toMatchObject({ status: 'FAILED', error: { code: `WHATSAPP_${code}` } });
  const event = await events.next((d) => d.systemEvents.type === 'INSTANCE_RESTRICTED' && d.systemEvents.instanceId === id);
  expect(event.systemEvents.message).toContain(String(code));
  events.close();
  const waiting = [await send('waits 1'), await send('waits 2')];
  const failedAt = Date.parse(refused.message.statusHistory.find((s) => s.status === 'FAILED')!.at);
  return { id, refused, waiting, failedAt };
}

/** Waits until both sends are SENT and reached the phone, in order; returns their SENDING times. */
async function deliveredInOrder(gw: TestGateway, id: string, customer: string, sends: Array<{ messageId: string }>): Promise<number[]> {
  const rows = await eventually(async () => {
    const all = await Promise.all(sends.map(async (s) => (await gw.http.ok(MessageDocument, { instanceId: id, id: s.messageId })).message!));
    return all.every((m) => ['SENT', 'DELIVERED', 'READ'].includes(m.status)) ? all : undefined;
  }, 'the waiting sends SENT', 60_000);
  await gw.sandbox.waitForMessage(customer, (m) => m.id === sends.at(-1)!.messageId);
  const inbox = (await gw.sandbox.messages(customer)).filter((m) => sends.some((s) => s.messageId === m.id)).map((m) => m.id);
  expect(inbox).toEqual(sends.map((s) => s.messageId));
  return rows.map((m) => Date.parse(m.statusHistory.find((s) => s.status === 'SENDING')!.at));
}

describe('restriction answers pause the queue', () => {
  it('463 (reach-out timelock): FAILED with the code, paused across a restart, resumed by resumeInstanceQueue', async () => {
    const OWNER = '15550480001';
    const CUSTOMER = '15550480002';
    const first = await startTestGateway({ env: { SEND_RESTRICTED_PAUSE_SECONDS: '0' } });
    gateways.push(first);
    const { id, refused, waiting } = await restrictedInstance(first, OWNER, CUSTOMER, 463);
    // Later sends are accepted and wait, answered at once (not after SEND_WAIT_MS).
    expect(waiting.map((s) => s.message.status)).toEqual(['QUEUED', 'QUEUED']);
    const paused = (await first.http.ok(InstanceSendQueuePauseDocument, { id })).instance?.sendQueuePause;
    expect(paused).toMatchObject({ code: 'WHATSAPP_463', messageId: refused.messageId, resumesAt: null });
    expect((await first.sandbox.messages(CUSTOMER)).some((m) => m.id === refused.messageId)).toBe(false);
    expect((await scrapeMetrics(first.url))('wamux_instance_restrictions_total{code="WHATSAPP_463"}')).toBe(1);

    await first.stop();
    const gw = await startTestGateway({ storage: first.storage, env: { SEND_RESTRICTED_PAUSE_SECONDS: '0' } });
    gateways.push(gw);
    await gw.waitForStatus(id, 'ONLINE', 30_000);
    const { instance } = await gw.http.ok(InstanceSendQueuePauseDocument, { id });
    expect(instance?.sendQueuePause).toMatchObject({ code: 'WHATSAPP_463', messageId: refused.messageId });
    for (const s of waiting) expect((await gw.http.ok(MessageDocument, { instanceId: id, id: s.messageId })).message?.status).toBe('QUEUED');

    const resumedAt = Date.now();
    expect((await gw.http.ok(ResumeInstanceQueueDocument, { instanceId: id })).resumeInstanceQueue).toBe(true);
    const sendingAt = await deliveredInOrder(gw, id, CUSTOMER, waiting);
    // Nothing left the paused queue: both went after the resume.
    for (const at of sendingAt) expect(at).toBeGreaterThanOrEqual(resumedAt - 5);
    expect((await gw.http.ok(InstanceSendQueuePauseDocument, { id })).instance?.sendQueuePause).toBeNull();
    expect((await gw.http.ok(ResumeInstanceQueueDocument, { instanceId: id })).resumeInstanceQueue).toBe(false);
  }, 180_000);

  it('475 (message capping): the queue resumes by itself after SEND_RESTRICTED_PAUSE_SECONDS', async () => {
    const OWNER = '15550480011';
    const CUSTOMER = '15550480012';
    const gw = await startTestGateway({ env: { SEND_RESTRICTED_PAUSE_SECONDS: '2' } });
    gateways.push(gw);
    const { id, waiting, failedAt } = await restrictedInstance(gw, OWNER, CUSTOMER, 475);
    const sendingAt = await deliveredInOrder(gw, id, CUSTOMER, waiting);
    // The pause began after the refusal was stored, so nothing went before refusal + 2 s.
    for (const at of sendingAt) expect(at).toBeGreaterThanOrEqual(failedAt + 2_000);
    expect((await gw.http.ok(InstanceSendQueuePauseDocument, { id })).instance?.sendQueuePause).toBeNull();
  }, 120_000);
});
