import { describe, expect, it } from 'vitest';
import { InstanceDocument, InstanceStatusDocument, MessageReceivedDocument, QrCodeDocument, SendTextDocument, type InstanceStatus } from '../graphql/generated/graphql.ts';
import { useLinkedGateway } from '../helpers/linked-gateway.ts';

// Sessions survive what WhatsApp and operators do to them: a restart of the gateway on the same
// data, a dropped connection, and a 515 "restart required" stream error.
const OWNER = '15550300001';
const CUSTOMER = '15550300002';

const linked = useLinkedGateway({ instance: 'shop', owner: OWNER, customer: CUSTOMER });

async function expectMessagesFlow(text: string): Promise<void> {
  const received = await linked.gw.ws.subscribe(MessageReceivedDocument, { instanceId: linked.id });
  const { sendText } = await linked.gw.http.ok(SendTextDocument, { input: { instanceId: linked.id, to: CUSTOMER, text } });
  await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === sendText.messageId && m.text === text);
  const replyId = await linked.gw.sandbox.sendText(CUSTOMER, OWNER, `re: ${text}`);
  expect((await received.next((d) => d.messageReceived.id === replyId)).messageReceived.text).toBe(`re: ${text}`);
  received.close();
}

describe('recovery', () => {
  it('comes back ONLINE by itself after a restart on the same data, with no QR', async () => {
    await expectMessagesFlow('before restart');
    await linked.restart();

    const status = await linked.gw.ws.subscribe(InstanceStatusDocument, { instanceId: linked.id });
    const qrs = await linked.gw.ws.subscribe(QrCodeDocument, { instanceId: linked.id });
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 10_000, 'ONLINE after restart');
    const seen = status.results.map((r) => r.data?.instanceStatus.status);
    expect(seen).not.toContain('QR_PENDING' satisfies InstanceStatus);
    expect(qrs.results).toEqual([]);
    const { instance } = await linked.gw.http.ok(InstanceDocument, { id: linked.id });
    expect(instance).toMatchObject({ status: 'ONLINE', phoneNumber: OWNER, qr: null });
    // Still one linked device: the restart reused the stored creds instead of linking anew.
    expect(await linked.gw.sandbox.devices(OWNER)).toHaveLength(1);
    await expectMessagesFlow('after restart');
    status.close();
    qrs.close();
  });

  it('reconnects after the connection drops', async () => {
    const status = await linked.gw.ws.subscribe(InstanceStatusDocument, { instanceId: linked.id });
    await status.next((d) => d.instanceStatus.status === 'ONLINE');
    expect((await linked.gw.sandbox.fault({ kind: 'drop', phoneNumber: OWNER })).affected).toBe(1);
    const { instanceStatus: reconnecting } = await status.next((d) => d.instanceStatus.status === 'RECONNECTING');
    expect(reconnecting.reconnectAttempts).toBeGreaterThanOrEqual(1);
    expect(reconnecting.lastError).toBeTruthy();
    const { instanceStatus: online } = await status.next((d) => d.instanceStatus.status === 'ONLINE', 10_000, 'ONLINE after the drop');
    expect(online.reconnectAttempts).toBe(0);
    await expectMessagesFlow('after a drop');
    status.close();
  });

  it('restarts at once after a 515 stream error', async () => {
    const status = await linked.gw.ws.subscribe(InstanceStatusDocument, { instanceId: linked.id });
    await status.next((d) => d.instanceStatus.status === 'ONLINE');
    await linked.gw.sandbox.fault({ kind: 'stream-error', code: 515, phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status !== 'ONLINE', 5_000, 'leaving ONLINE');
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 10_000, 'ONLINE after 515');
    // 515 means "restart now", not a failure: no backoff was needed.
    expect(status.results.map((r) => r.data?.instanceStatus.status)).not.toContain('RECONNECTING');
    await expectMessagesFlow('after a 515');
    status.close();
  });
});
