import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox } from '../helpers/sandbox.ts';

let t: Awaited<ReturnType<typeof startTestSandbox>>;
beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(() => t.stop());

describe('QR pairing', () => {
  it('takes real Baileys from QR to open', async () => {
    t.sandbox.createPhone({ phoneNumber: '15550001111', pushName: 'Alice' });
    const c = t.companion();
    const qr = await c.waitForQr();
    const opened = c.waitForOpen();
    const linked = await t.sandbox.scanQr('15550001111', qr);
    await opened;
    expect(c.closes.map((x) => x.statusCode)).toEqual([515]);
    expect(c.auth.creds.me?.id).toBe(`15550001111:${linked.deviceId}@s.whatsapp.net`);
    expect(c.auth.creds.me?.lid).toMatch(/^\d+:\d+@lid$/);
    expect(t.sandbox.devices('15550001111')).toMatchObject([{ deviceId: linked.deviceId, connected: true, platform: 'Mac OS' }]);
  });

  it('refuses a second scan of the same QR, and a QR from a closed connection', async () => {
    t.sandbox.createPhone({ phoneNumber: '15550001112' });
    const c = t.companion();
    const qr = await c.waitForQr();
    const opened = c.waitForOpen();
    await t.sandbox.scanQr('15550001112', qr);
    await expect(t.sandbox.scanQr('15550001112', qr)).rejects.toMatchObject({ code: 'QR_EXPIRED' });
    await opened;
    expect(t.sandbox.devices('15550001112')).toHaveLength(1);
  });
});
