import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuthCreds } from '../../src/db/auth-creds.entity.ts';
import { AuthKey } from '../../src/db/auth-key.entity.ts';
import { bufferJsonCodec, encryptedCodec, isEncrypted } from '../../src/db/auth-value.codec.ts';
import { BootTask } from '../../src/db/boot-task.entity.ts';
import { encryptLegacyAuthRows } from '../../src/db/encrypt-legacy-rows.ts';
import { ReceivedMedia } from '../../src/db/received-media.entity.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { startTestSandbox } from '../helpers/sandbox.ts';
import { startServices, type TestServices } from '../helpers/services.ts';

let db: TestOrm;
let t: Awaited<ReturnType<typeof startTestSandbox>>;
const codec = encryptedCodec(randomBytes(32));
const registries: TestServices[] = [];
const registry = (authCodec = codec) => {
  const r = startServices({ orm: db.orm, waWebSocketUrl: t.sandbox.info.wsUrl, authCodec });
  registries.push(r);
  return r;
};
const online = (r: TestServices, id: string) =>
  new Promise<void>((resolve) => r.events.on('instanceStatus', (e) => e.instanceId === id && e.status === 'ONLINE' && resolve()));
const rawRows = async () => {
  const em = db.orm.em.fork();
  return [...(await em.find(AuthCreds, {})), ...(await em.find(AuthKey, {}))].map((r) => Buffer.from(r.value));
};

beforeAll(async () => {
  db = await createTestOrm();
  t = await startTestSandbox();
  t.sandbox.createPhone({ phoneNumber: '15550600001' });
  t.sandbox.createPhone({ phoneNumber: '15550600002' });
});
afterAll(async () => {
  for (const r of registries) await r.stop();
  await t.stop();
  await db.close();
});

it('stores no plaintext creds or keys, migrates old rows, and still restores after a restart', async () => {
  // An instance linked before encryption was turned on: plaintext rows.
  const plain = registry(bufferJsonCodec);
  const id = (await plain.registry.create({ name: 'secret' })).id;
  const qr = new Promise<string>((resolve) => plain.events.on('qrCode', (q) => resolve(q.code)));
  const up = online(plain, id);
  await plain.registry.connect(id);
  await t.sandbox.scanQr('15550600001', await qr);
  await up;
  await plain.stop();
  const before = await rawRows();
  expect(before.some((v) => v.toString('utf8').includes('noiseKey'))).toBe(true);

  // A database from before encryption at rest has no record of the rewrite (its migration saw rows).
  await db.orm.em.fork().nativeDelete(BootTask, {});
  // Boot with a key: the old rows are rewritten encrypted.
  const migrated = await encryptLegacyAuthRows(db.orm, codec);
  // Baileys may still land a key write or two after stop (it sets up its own LID session on nextTick).
  expect(migrated).toBeGreaterThanOrEqual(before.length);
  const after = await rawRows();
  expect(after.every(isEncrypted)).toBe(true);
  expect(after.some((v) => /noiseKey|signedIdentityKey|private/.test(v.toString('latin1')))).toBe(false);
  expect(await encryptLegacyAuthRows(db.orm, codec)).toBe(0);

  // The encrypted session restores and works; whatever it writes stays encrypted.
  const r = registry();
  const back = online(r, id);
  await r.registry.restore();
  await back;
  const sent = await r.messages.sendText({ instanceId: id, to: '15550600002', text: 'still me' });
  await t.sandbox.waitForMessage('15550600002', (m) => m.id === sent.messageId);
  expect((await rawRows()).every(isEncrypted)).toBe(true);

  // The key of received media (with its path, enough to fetch and decrypt the file) is encrypted too.
  const received = new Promise<string>((resolve) => r.events.on('messageReceived', (m) => m.media && resolve(m.id)));
  await t.sandbox.sendMedia('15550600002', '15550600001', { kind: 'document', base64: Buffer.from('%PDF-1.4 private').toString('base64'), mimeType: 'application/pdf' });
  const media = await db.orm.em.fork().findOneOrFail(ReceivedMedia, { messageId: await received });
  expect(isEncrypted(media.mediaKey)).toBe(true);

  // The wrong key cannot read them.
  expect(() => encryptedCodec(randomBytes(32)).decode((after[0]!))).toThrow();
});
