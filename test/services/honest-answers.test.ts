import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { startTestSandbox } from '../helpers/sandbox.ts';
import { nextQr, startServices, waitStatus, type TestServices } from '../helpers/services.ts';

// What the gateway says must be true: no ONLINE that is not connected, no unexpected error for a
// socket that died under a send, no send answered without the id the recipient sees.
const OWNER = '15550210001';
const CUSTOMER = '15550210002';
const STRANGER = '15550210003';

let db: TestOrm;
let t: Awaited<ReturnType<typeof startTestSandbox>>;
const registries: TestServices[] = [];

function newRegistry(): TestServices {
  const services = startServices({ orm: db.orm, waWebSocketUrl: t.sandbox.info.wsUrl });
  registries.push(services);
  return services;
}

beforeAll(async () => {
  db = await createTestOrm();
  t = await startTestSandbox();
  for (const [phoneNumber, pushName] of [[OWNER, 'Owner'], [CUSTOMER, 'Customer'], [STRANGER, 'Stranger']] as const) t.sandbox.createPhone({ phoneNumber, pushName });
});
afterAll(async () => {
  for (const r of registries) await r.stop();
  await t.stop();
  await db.close();
});

describe('honest answers', () => {
  let s: TestServices;
  let id: string;

  it('reads a stored ONLINE row of the previous run as CONNECTING until the session is online again', async () => {
    const first = newRegistry();
    id = (await first.registry.create({ name: 'honest' })).id;
    const qr = nextQr(first.events, id);
    const online = waitStatus(first.events, id, 'ONLINE');
    await first.registry.connect(id);
    await t.sandbox.scanQr(OWNER, await qr);
    await online;
    // A stop keeps the row as it was (ONLINE, connectedAt): what a restart finds.
    await first.stop();

    s = newRegistry();
    expect((await s.registry.get(id)).status).toBe('CONNECTING');
    expect((await s.registry.list()).find((i) => i.id === id)?.status).toBe('CONNECTING');
    const back = waitStatus(s.events, id, 'ONLINE');
    await s.registry.restore();
    await back;
    expect((await s.registry.get(id)).status).toBe('ONLINE');
  });

  it('answers INSTANCE_NOT_CONNECTED when the socket dies in the middle of sends, and every send that succeeds has its id', async () => {
    // Every stanza from the server now takes 2 s: the sends below wait on WhatsApp's answers
    // (number lookup, device list, key bundle) when the connection is cut.
    t.sandbox.fault({ kind: 'delay', ms: 2_000 });
    const sends = Array.from({ length: 3 }, (_, i) => s.messages.sendText({ instanceId: id, to: STRANGER, text: `cut ${i}`, typingMs: 1 }));
    const settled = Promise.allSettled(sends);
    // "paused" ends the typing simulation: the next thing each send does is wait on WhatsApp.
    await t.sandbox.waitForPresence(STRANGER, (p) => p.state === 'paused');
    const reconnecting = waitStatus(s.events, id, 'RECONNECTING');
    t.sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    for (const result of await settled) {
      expect(result.status).toBe('rejected');
      const err = (result as PromiseRejectedResult).reason;
      expect(err).toMatchObject({ code: 'INSTANCE_NOT_CONNECTED' });
      expect(err.details.status).not.toBe('ONLINE');
    }
    await reconnecting;

    t.sandbox.fault({ kind: 'clear' });
    await waitStatus(s.events, id, 'ONLINE');
    const sent = await s.messages.sendText({ instanceId: id, to: STRANGER, text: 'after the cut' });
    expect(sent.messageId).toMatch(/^[0-9A-F]{10,}$/);
    await t.sandbox.waitForMessage(STRANGER, (m) => m.id === sent.messageId && m.text === 'after the cut');
  });
});
