import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BroadcastDocument, BroadcastProgressDocument, CancelBroadcastDocument, CreateBroadcastDocument, MessagesDocument, SendTextStoredDocument, type CreateBroadcastInput } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { mediaSamples } from '../helpers/media-samples.ts';
import { postMultipart } from '../helpers/multipart.ts';
import { eventually } from '../helpers/rest-client.ts';

// Broadcasts: one template, `{{name}}` filled per recipient, every message an ordinary ledger row
// riding the same queue; progress counted from those rows; cancel stops what has not gone.
const OWNER = '15550500001';
const PHONES = ['15550500002', '15550500003', '15550500004'];
const NAMES = ['Ada', 'Bo', 'Cy'];

let gw: TestGateway;
let id: string;

beforeAll(async () => {
  gw = await startTestGateway();
  await gw.sandbox.createPhone(OWNER, 'Owner');
  for (const [i, phone] of PHONES.entries()) await gw.sandbox.createPhone(phone, NAMES[i]!);
  id = await gw.linkInstance('broadcaster', OWNER);
});
afterAll(async () => {
  await gw?.stop();
  await gw?.close();
});

const recipients = (template: (i: number) => Array<{ name: string; value: string }>) => PHONES.map((to, i) => ({ to, variables: template(i) }));
const create = (input: Record<string, unknown>) => gw.http.request(CreateBroadcastDocument, { input: { instanceId: id, ...input } as never });
/** A media broadcast with its file uploaded in the same request (multipart). */
const createWithFile = (input: Omit<CreateBroadcastInput, 'instanceId'>, body: Buffer) =>
  postMultipart(`${gw.url}/graphql`, gw.adminToken, CreateBroadcastDocument, { input: { instanceId: id, ...input } }, { path: 'variables.input.media.file', body: new Blob([new Uint8Array(body)]), fileName: 'photo.bin' });
const outboxDir = () => join(gw.storage.dataDir, 'outbox');
const outbox = () => readdir(outboxDir()).catch(() => [] as string[]);

describe('broadcasts', () => {
  it('fills each recipient\'s placeholders, sends each phone its own text once, and reports progress up to DELIVERED', async () => {
    const vars = (i: number) => [
      { name: 'name', value: NAMES[i]! },
      { name: 'code', value: `C${i}` },
    ];
    const { createBroadcast: b } = await gw.http.ok(CreateBroadcastDocument, { input: { instanceId: id, recipients: recipients(vars), text: 'Hi {{name}}, your code is {{ code }}.' } });
    expect(b).toMatchObject({ instanceId: id, total: 3, cancelled: 0, failed: 0, cancelledAt: null });
    expect(['SENDING', 'COMPLETED']).toContain(b.status);

    const progress = await gw.ws.subscribe(BroadcastProgressDocument, { id: b.id });
    // The first event is the state now; later ones follow each status change of its messages.
    await progress.next(() => true, undefined, 'the current state');
    const done = await progress.next((d) => d.broadcastProgress.delivered === 3, 60_000, 'all three DELIVERED');
    expect(done.broadcastProgress).toMatchObject({ status: 'COMPLETED', total: 3, queued: 0, sent: 3, delivered: 3, failed: 0 });
    const counts = progress.results.map((r) => r.data!.broadcastProgress);
    expect(counts.some((c) => c.sent > 0 && c.delivered < c.sent), 'a step where sent ran ahead of delivered was reported').toBe(true);
    progress.close();

    for (const [i, phone] of PHONES.entries()) {
      const inbox = (await gw.sandbox.messages(phone)).filter((m) => m.from === OWNER);
      expect(inbox.map((m) => m.text)).toEqual([`Hi ${NAMES[i]}, your code is C${i}.`]);
    }
    const { broadcast } = await gw.http.ok(BroadcastDocument, { id: b.id });
    expect(broadcast).toMatchObject({ id: b.id, status: 'COMPLETED', sent: 3, delivered: 3 });
    const { messages } = await gw.http.ok(MessagesDocument, { instanceId: id, direction: 'OUTBOUND', first: 10 });
    expect(messages.edges.filter((e) => e.node.text?.startsWith('Hi ')).length).toBe(3);
  });

  it('a broadcast stored between two sends, after the queue was seen empty, goes out with them (the queue reads its rows again)', async () => {
    // SENT: the instance's worker saw its queue empty, and the next send's worker starts from that.
    const before = await gw.http.ok(SendTextStoredDocument, { input: { instanceId: id, to: PHONES[0]!, text: 'before the broadcast' } });
    expect(before.sendText.message.status).toBe('SENT');
    // Rows stored by the broadcast, not by a send call: the queue must not take itself for empty.
    const { createBroadcast: b } = await gw.http.ok(CreateBroadcastDocument, { input: { instanceId: id, recipients: recipients(() => []), text: 'in between' } });
    const after = await gw.http.ok(SendTextStoredDocument, { input: { instanceId: id, to: PHONES[1]!, text: 'after the broadcast' } });
    expect(after.sendText.message.status).toBe('SENT');
    await eventually(async () => (await gw.http.ok(BroadcastDocument, { id: b.id })).broadcast.sent === 3, 'every broadcast message SENT');
    for (const phone of PHONES) await gw.sandbox.waitForMessage(phone, (m) => m.from === OWNER && m.text === 'in between', 30_000);
  });

  it('an image to three phones: received once, each phone decodes the same bytes under its own caption, and the file goes when the last one settled', async () => {
    const { bytes, mimeType } = mediaSamples.IMAGE();
    const res = await createWithFile({ recipients: recipients((i) => [{ name: 'name', value: NAMES[i]! }]), media: { kind: 'IMAGE', file: null, caption: 'For {{name}}' } }, bytes);
    expect(res.errors).toBeUndefined();
    const b = res.data!.createBroadcast;
    expect(b).toMatchObject({ total: 3, failed: 0 });
    for (const [i, phone] of PHONES.entries()) {
      const got = await gw.sandbox.waitForMessage(phone, (m) => m.from === OWNER && m.type === 'image', 60_000);
      expect(got).toMatchObject({ mimeType, caption: `For ${NAMES[i]}` });
      expect((await gw.sandbox.downloadMedia(phone, got.id)).bytes.equals(bytes)).toBe(true);
    }
    await eventually(async () => (await gw.http.ok(BroadcastDocument, { id: b.id })).broadcast.sent === 3, 'all three SENT');
    await eventually(async () => (await outbox()).length === 0, 'the file removed from the outbox');
    const { messages } = await gw.http.ok(MessagesDocument, { instanceId: id, direction: 'OUTBOUND', first: 50 });
    const images = messages.edges.map((e) => e.node).filter((m) => m.type === 'IMAGE');
    expect(images.map((m) => m.text).sort()).toEqual(NAMES.map((n) => `For ${n}`));
    for (const phone of PHONES) expect((await gw.sandbox.messages(phone)).filter((m) => m.from === OWNER && m.type === 'image')).toHaveLength(1);
  });

  it('a scheduled media broadcast keeps its file once (a link per message) until cancelled, then not at all', async () => {
    const { bytes } = mediaSamples.IMAGE();
    const sendAt = new Date(Date.now() + 86_400_000).toISOString();
    const res = await createWithFile({ recipients: recipients(() => []), media: { kind: 'IMAGE', file: null }, sendAt }, bytes);
    expect(res.errors).toBeUndefined();
    const b = res.data!.createBroadcast;
    expect(b).toMatchObject({ status: 'SCHEDULED', total: 3 });
    const names = await outbox();
    expect(names).toHaveLength(3);
    const files = await Promise.all(names.map((n) => stat(join(outboxDir(), n))));
    expect(new Set(files.map((f) => f.ino)).size).toBe(1);
    expect(files.every((f) => f.nlink === 3 && f.size === bytes.length && (f.mode & 0o777) === 0o600)).toBe(true);
    await gw.http.ok(CancelBroadcastDocument, { id: b.id });
    await eventually(async () => (await outbox()).length === 0, 'the cancelled broadcast\'s file removed');
  });

  it('the same idempotency key returns the first broadcast and queues nothing again', async () => {
    const input = { recipients: [{ to: PHONES[0]!, variables: [] }], text: 'once only', idempotencyKey: `bk-${Date.now()}`, sendAt: new Date(Date.now() + 86_400_000).toISOString() };
    const first = await create(input);
    const again = await create(input);
    expect(again.data?.createBroadcast?.id).toBe(first.data?.createBroadcast?.id);
    expect(again.data?.createBroadcast).toMatchObject({ total: 1, scheduled: 1 });
    await gw.http.ok(CancelBroadcastDocument, { id: first.data!.createBroadcast!.id });
  });

  it('cancelling a scheduled broadcast cancels all its messages: CANCELLED, nothing sent', async () => {
    const sendAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const { createBroadcast: b } = await gw.http.ok(CreateBroadcastDocument, { input: { instanceId: id, recipients: recipients(() => []), text: 'next week', sendAt } });
    expect(b).toMatchObject({ status: 'SCHEDULED', total: 3, scheduled: 3, queued: 0, sent: 0 });
    // Someone else's: it does not exist for them, and they may not broadcast from this instance.
    const stranger = gw.http.as(await gw.createUserToken('broadcast-stranger'));
    expect((await stranger.request(BroadcastDocument, { id: b.id })).errors?.[0]?.extensions?.code).toBe('BROADCAST_NOT_FOUND');
    expect((await stranger.request(CancelBroadcastDocument, { id: b.id })).errors?.[0]?.extensions?.code).toBe('BROADCAST_NOT_FOUND');
    expect((await stranger.request(CreateBroadcastDocument, { input: { instanceId: id, recipients: [{ to: PHONES[0]! }], text: 'x' } })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const progress = await gw.ws.subscribe(BroadcastProgressDocument, { id: b.id });
    const { cancelBroadcast } = await gw.http.ok(CancelBroadcastDocument, { id: b.id });
    expect(cancelBroadcast).toMatchObject({ id: b.id, status: 'CANCELLED', cancelled: 3, scheduled: 0, sent: 0 });
    expect(cancelBroadcast.cancelledAt).toBeTruthy();
    await progress.next((d) => d.broadcastProgress.cancelled === 3, undefined, 'all three CANCELLED');
    progress.close();
    const { messages } = await gw.http.ok(MessagesDocument, { instanceId: id, status: 'CANCELLED', first: 10 });
    expect(messages.edges.filter((e) => e.node.text === 'next week').length).toBe(3);
    for (const phone of PHONES) expect((await gw.sandbox.messages(phone)).some((m) => m.text === 'next week')).toBe(false);
    // Cancelling again changes nothing and says so.
    expect((await gw.http.ok(CancelBroadcastDocument, { id: b.id })).cancelBroadcast).toMatchObject({ status: 'CANCELLED', cancelled: 3 });
  });

  it('refuses bad input as a whole with clear codes, and unknown ids with BROADCAST_NOT_FOUND', async () => {
    const code = async (input: Record<string, unknown>) => (await create(input)).errors?.[0]?.extensions;
    expect(await code({ recipients: recipients(() => []), text: 'Hi {{name}}' })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'recipients[0].variables', missing: ['name'] });
    expect(await code({ recipients: [{ to: 'not a number' }], text: 'x' })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'recipients[0].to' });
    expect(await code({ recipients: [{ to: PHONES[0] }, { to: `+${PHONES[0]}` }], text: 'x' })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'recipients[1].to' });
    expect(await code({ recipients: [], text: 'x' })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'recipients' });
    const many = Array.from({ length: 1001 }, (_, i) => ({ to: `1555060${String(i).padStart(4, '0')}` }));
    expect(await code({ recipients: many, text: 'x' })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'recipients', max: 1000 });
    expect(await code({ recipients: [{ to: PHONES[0] }], text: 'Hi {{bad name}}' })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'text' });
    expect(await code({ recipients: [{ to: PHONES[0] }], text: '   ' })).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await code({ recipients: [{ to: PHONES[0] }] })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'text' });
    expect(await code({ recipients: [{ to: PHONES[0] }], text: 'x', media: { kind: 'IMAGE', url: 'https://example.com/a.jpg' } })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'text' });
    expect(await code({ recipients: [{ to: PHONES[0] }], media: { kind: 'AUDIO', url: 'https://example.com/a.mp3', caption: 'Hi {{name}}' } })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'caption' });
    for (const bad of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      expect((await gw.http.request(BroadcastDocument, { id: bad })).errors?.[0]?.extensions?.code).toBe('BROADCAST_NOT_FOUND');
      expect((await gw.http.request(CancelBroadcastDocument, { id: bad })).errors?.[0]?.extensions?.code).toBe('BROADCAST_NOT_FOUND');
    }
    // Nothing of the refused broadcasts reached the ledger or a phone.
    const { messages } = await gw.http.ok(MessagesDocument, { instanceId: id, direction: 'OUTBOUND', first: 100 });
    expect(messages.edges.some((e) => e.node.text === 'x' || e.node.text?.startsWith('Hi {{'))).toBe(false);
  });
});
