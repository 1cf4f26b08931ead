import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceStatusDocument, MessageDocument, SendMediaStoredDocument, type SendMediaInput } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { serveFiles, type FileServer } from '../helpers/file-server.ts';
import { mediaSamples } from '../helpers/media-samples.ts';
import { postMultipart } from '../helpers/multipart.ts';
import { eventually } from '../helpers/rest-client.ts';

// Media sends ride the ledger's durable queue: accepted while the instance is reconnecting, the
// file kept owner-only under DATA_DIR/outbox until the send settles, sent by the next run after a
// restart under the id chosen first, and idempotency keys work as for text.
const OWNER = '15550440001';
const CUSTOMER = '15550440002';

let first: TestGateway;
let gw: TestGateway;
let id: string;
let files: FileServer;

beforeAll(async () => {
  // Every send here is made while the instance is held RECONNECTING and is expected back QUEUED: a
  // short SEND_WAIT_MS keeps each call from sitting out the default 15 s wait for a SENT that cannot come.
  first = await startTestGateway({ env: GATEWAY_ENV });
  gw = first;
  files = await serveFiles();
  await gw.sandbox.createPhone(OWNER, 'Owner');
  await gw.sandbox.createPhone(CUSTOMER, 'Customer');
  id = await gw.linkInstance('ledger-media', OWNER);
});
afterAll(async () => {
  await files?.close();
  await gw?.stop();
  await first?.close();
});

const outboxDir = () => join(first.storage.dataDir, 'outbox');
const GATEWAY_ENV = { MEDIA_ALLOW_PRIVATE_URLS: 'true', SEND_WAIT_MS: '1000' };
const outbox = () => readdir(outboxDir()).catch(() => [] as string[]);
const upload = (input: Omit<SendMediaInput, 'file'>, body: Buffer) =>
  postMultipart(`${gw.url}/graphql`, gw.adminToken, SendMediaStoredDocument, { input: { ...input, file: null } }, { path: 'variables.input.file', body: new Blob([new Uint8Array(body)]), fileName: 'photo.bin' });
const copiesAtPhone = async (messageId: string) => (await gw.sandbox.messages(CUSTOMER)).filter((m) => m.id === messageId).length;

/** Holds the instance RECONNECTING: its connection drops and logins are refused until `clear`. */
async function holdReconnecting(): Promise<void> {
  const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
  await gw.sandbox.fault({ kind: 'refuse-logins', seconds: 120 });
  await gw.sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
  await status.next((d) => d.instanceStatus.status === 'RECONNECTING');
  status.close();
}

describe('media sends through the ledger', () => {
  it('queues an upload while RECONNECTING with its file kept owner-only, one message per idempotency key; once back it arrives byte-exact and the file goes', async () => {
    await holdReconnecting();
    const { bytes, mimeType } = mediaSamples.IMAGE();
    const input = { instanceId: id, to: CUSTOMER, kind: 'IMAGE' as const, caption: 'queued photo', idempotencyKey: `photo-${Date.now()}` };
    const res = await upload(input, bytes);
    expect(res.errors).toBeUndefined();
    const queued = res.data!.sendMedia;
    expect(queued.message).toMatchObject({ id: queued.messageId, status: 'QUEUED', type: 'IMAGE', text: 'queued photo' });
    expect(await outbox()).toEqual([`${id}.${queued.messageId}`]);
    expect((await stat(outboxDir())).mode & 0o777).toBe(0o700);
    expect((await stat(join(outboxDir(), `${id}.${queued.messageId}`))).mode & 0o777).toBe(0o600);
    // The same key again: the first message, and the second copy of the file is not kept.
    const again = await upload(input, bytes);
    expect(again.data!.sendMedia.messageId).toBe(queued.messageId);
    expect(await outbox()).toHaveLength(1);

    const online = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
    await gw.sandbox.fault({ kind: 'clear' });
    await online.next((d) => d.instanceStatus.status === 'ONLINE', 60_000, 'ONLINE again');
    online.close();
    const got = await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === queued.messageId, 30_000);
    expect(got).toMatchObject({ type: 'image', mimeType, caption: 'queued photo' });
    expect((await gw.sandbox.downloadMedia(CUSTOMER, queued.messageId)).bytes.equals(bytes)).toBe(true);
    await eventually(async () => (await outbox()).length === 0, 'the sent file removed from the outbox');
    const { message } = await gw.http.ok(MessageDocument, { instanceId: id, id: queued.messageId });
    expect(message?.statusHistory.map((s) => s.status).slice(0, 3)).toEqual(['QUEUED', 'SENDING', 'SENT']);
    expect(await copiesAtPhone(queued.messageId)).toBe(1);
  }, 120_000);

  it('a media send still queued when the gateway stops is sent by the next run, once, under its first id', async () => {
    await holdReconnecting();
    const { bytes } = mediaSamples.DOCUMENT();
    files.files.set('/files/report.pdf', { body: bytes });
    const { sendMedia } = await gw.http.ok(SendMediaStoredDocument, {
      input: { instanceId: id, to: CUSTOMER, kind: 'DOCUMENT', url: `${files.url}/files/report.pdf`, fileName: 'report.pdf', idempotencyKey: `report-${Date.now()}` },
    });
    expect(sendMedia.message.status).toBe('QUEUED');
    await gw.stop();
    // The next run starts with a fresh sandbox network process state: no faults, logins accepted.
    gw = await startTestGateway({ storage: first.storage, env: GATEWAY_ENV });
    await gw.waitForStatus(id, 'ONLINE', 60_000);
    const got = await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === sendMedia.messageId, 30_000);
    expect(got).toMatchObject({ type: 'document', fileName: 'report.pdf' });
    expect((await gw.sandbox.downloadMedia(CUSTOMER, sendMedia.messageId)).bytes.equals(bytes)).toBe(true);
    await eventually(async () => (await outbox()).length === 0, 'the sent file removed from the outbox');
    expect(await copiesAtPhone(sendMedia.messageId)).toBe(1);
  }, 180_000);
});
