import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuthKey } from '../../src/db/auth-key.entity.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { startTestSandbox } from '../helpers/sandbox.ts';
import { startServices, type TestServices } from '../helpers/services.ts';

// After a 1:1 send Baileys issues the account's trusted-contact token to the recipient (one privacy
// iq) and records when, so that it does so once per 7-day bucket, not once per message.
const DESK = '15550610001';
const PEER = '15550610002';
const SENDS = 6;

let db: TestOrm;
let t: Awaited<ReturnType<typeof startTestSandbox>>;
let services: TestServices;

beforeAll(async () => {
  db = await createTestOrm();
  t = await startTestSandbox();
  t.sandbox.createPhone({ phoneNumber: DESK });
  t.sandbox.createPhone({ phoneNumber: PEER });
  services = startServices({ orm: db.orm, waWebSocketUrl: t.sandbox.info.wsUrl });
});
afterAll(async () => {
  await services?.stop();
  await t?.stop();
  await db?.close();
});

it('issues a privacy token to a contact once, not with every message, and stores that it did', async () => {
  const id = (await services.registry.create({ name: 'tokens' })).id;
  const qr = new Promise<string>((resolve) => services.events.on('qrCode', (q) => resolve(q.code)));
  const online = new Promise<void>((resolve) => services.events.on('instanceStatus', (e) => e.instanceId === id && e.status === 'ONLINE' && resolve()));
  await services.registry.connect(id);
  await t.sandbox.scanQr(DESK, await qr);
  await online;

  for (let i = 0; i < SENDS; i++) {
    const sent = await services.messages.sendText({ instanceId: id, to: PEER, text: `hello ${i}` });
    // One chat at a human pace: each message reaches the phone before the next is sent.
    await t.sandbox.waitForMessage(PEER, (m) => m.id === sent.messageId);
  }

  expect(t.sandbox.privacyTokens(DESK).map((token) => token.to)).toEqual([expect.stringContaining(PEER)]);
  const tokens = await db.orm.em.fork().find(AuthKey, { instance: id, type: 'tctoken' });
  expect(tokens.map((k) => k.keyId)).toContain(`${t.sandbox.phone(PEER).lid}@lid`);
});
