import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox } from '../helpers/sandbox.ts';

let t: Awaited<ReturnType<typeof startTestSandbox>>;
let base: string;
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};

beforeAll(async () => {
  t = await startTestSandbox();
  base = t.sandbox.info.controlUrl;
});
afterAll(() => t.stop());

describe('sandbox control API over HTTP', () => {
  it('creates phones idempotently and lists them', async () => {
    const first = await call('POST', '/phones', { phoneNumber: '+1 555 030 0001', pushName: 'Ana' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ phoneNumber: '15550300001', pushName: 'Ana' });
    expect(first.body.lid).toMatch(/^\d+$/);
    const again = await call('POST', '/phones', { phoneNumber: '15550300001', pushName: 'Other' });
    expect(again).toMatchObject({ status: 200, body: { lid: first.body.lid, pushName: 'Ana' } });
    await call('POST', '/phones', { phoneNumber: '15550300002' });
    const list = await call('GET', '/phones');
    expect(list.body.map((p: { phoneNumber: string }) => p.phoneNumber)).toEqual(['15550300001', '15550300002']);
    expect((await call('GET', '/info')).body).toMatchObject({ wsUrl: t.sandbox.info.wsUrl, controlUrl: base });
  });

  it('links a real companion by scanning its QR, then messages both ways', async () => {
    const c = t.companion();
    const qr = await c.waitForQr();
    const opened = c.waitForOpen();
    const scan = await call('POST', '/phones/15550300001/scan', { qr });
    expect(scan).toMatchObject({ status: 200, body: { deviceId: 1 } });
    await opened;
    // `queued` counts what the device has not acked yet: what the server sent at login is acked moments after open.
    await expect.poll(async () => (await call('GET', '/phones/15550300001/devices')).body).toMatchObject([{ deviceId: 1, connected: true, queued: 0 }]);

    const got = c.next('messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'via HTTP'));
    const sent = await call('POST', '/phones/15550300002/messages', { to: '15550300001', text: 'via HTTP' });
    expect(sent.status).toBe(201);
    await got;

    const reply = await c.sock.sendMessage('15550300002@s.whatsapp.net', { text: 'reply' });
    await t.sandbox.waitForMessage('15550300002', (m) => m.id === reply!.key.id);
    const inbox = await call('GET', '/phones/15550300002/messages');
    expect(inbox.body).toContainEqual(expect.objectContaining({ id: reply!.key.id, from: '15550300001', type: 'text', text: 'reply' }));
    expect(inbox.body[0].message).toBeUndefined();

    expect((await call('POST', '/phones/15550300002/read', { messageIds: [reply!.key.id] })).body).toEqual({ read: 1 });
    await expect.poll(async () => (await call('GET', '/phones/15550300001/receipts')).body.length).toBeGreaterThan(0);

    const closed = c.waitForClose();
    expect((await call('POST', '/phones/15550300001/unlink', {})).body).toEqual({ unlinked: [1] });
    expect((await closed).statusCode).toBe(401);
  });

  it('injects faults', async () => {
    expect(await call('POST', '/faults', { kind: 'refuse-logins', seconds: 1 })).toMatchObject({ status: 200, body: { affected: 0 } });
    expect(await call('POST', '/faults', { kind: 'duplicate', phoneNumber: '15550300001', count: 2 })).toMatchObject({ status: 200, body: { affected: 0 } });
    expect(await call('POST', '/faults', { kind: 'reject-sends', code: 475 })).toMatchObject({ status: 200 });
    expect(await call('POST', '/faults', { kind: 'reset-session', phoneNumber: '15550300002' })).toMatchObject({ status: 200 });
    expect(await call('POST', '/faults', { kind: 'corrupt-session', phoneNumber: '15550300002' })).toMatchObject({ status: 200, body: { affected: expect.any(Number) } });
    expect(await call('POST', '/faults', { kind: 'clear' })).toMatchObject({ status: 200 });
    expect(t.sandbox.net.faults).toMatchObject({ delivery: [], rejectSends: [], phoneDecryptFailures: [] });
    expect(await call('GET', '/stats')).toMatchObject({
      status: 200,
      body: { phoneDecryptFailures: expect.any(Object), companionRetries: expect.any(Object), companionNacks: expect.any(Object), refusedSends: expect.any(Array) },
    });
  });

  it.each([
    ['unknown phone', 'GET', '/phones/19999999999/devices', undefined, 404, 'NOT_FOUND'],
    ['malformed number', 'POST', '/phones', { phoneNumber: 'abc' }, 400, 'INVALID_PHONE_NUMBER'],
    ['missing body field', 'POST', '/phones', {}, 400, 'INVALID_REQUEST'],
    ['expired QR', 'POST', '/phones/15550300001/scan', { qr: 'https://wa.me/settings/linked_devices#2@nope,a,b,c,1' }, 410, 'QR_EXPIRED'],
    ['not a QR', 'POST', '/phones/15550300001/scan', { qr: 'hello' }, 400, 'INVALID_QR'],
    ['bad pairing code', 'POST', '/phones/15550300001/pairing-code', { code: '12' }, 400, 'INVALID_PAIRING_CODE'],
    ['unknown recipient', 'POST', '/phones/15550300001/messages', { to: '19999999999', text: 'x' }, 404, 'UNKNOWN_RECIPIENT'],
    ['empty text', 'POST', '/phones/15550300001/messages', { to: '15550300002', text: '' }, 400, 'INVALID_REQUEST'],
    ['bad fault', 'POST', '/faults', { kind: 'explode' }, 400, 'INVALID_REQUEST'],
    ['unknown restriction code', 'POST', '/faults', { kind: 'reject-sends', code: 401 }, 400, 'INVALID_REQUEST'],
    ['fault count of 0', 'POST', '/faults', { kind: 'duplicate', count: 0 }, 400, 'INVALID_FAULT'],
    ['session reset of an unknown phone', 'POST', '/faults', { kind: 'reset-session', phoneNumber: '19999999999' }, 404, 'NOT_FOUND'],
    ['session corruption of an unknown phone', 'POST', '/faults', { kind: 'corrupt-session', phoneNumber: '19999999999' }, 404, 'NOT_FOUND'],
    ['bad read', 'POST', '/phones/15550300001/read', { messageIds: 'x' }, 400, 'INVALID_REQUEST'],
    ['invalid JSON', 'POST', '/phones', '{"phoneNumber":', 400, undefined],
  ])('answers %s with a 4xx and a message', async (_name, method, path, body, status, code) => {
    const res = await call(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toEqual(expect.any(String));
    if (code) expect(res.body.error.code).toBe(code);
  });
});
