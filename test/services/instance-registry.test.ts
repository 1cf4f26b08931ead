import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceRegistry } from '../../src/services/instances/instance-registry.ts';
import { createLogger } from '../../src/services/shared/logger.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { startTestSandbox } from '../helpers/sandbox.ts';
import { waitStatus } from '../helpers/registry.ts';

// The service against real parts: real Baileys, the sandbox, a real database. The GraphQL e2e suite
// covers the same through the public surface; this one pins the registry's own concurrency rules.
let db: TestOrm;
let t: Awaited<ReturnType<typeof startTestSandbox>>;
let registry: InstanceRegistry;
const logger = createLogger(process.env.LOG_LEVEL ?? 'silent');
const deps = () => ({
  orm: db.orm,
  logger,
  whatsapp: { deviceName: 'wamux-test', presenceHeartbeatSeconds: 300 },
  restore: { concurrency: 4, staggerMs: 0 },
  waWebSocketUrl: t.sandbox.info.wsUrl,
});

beforeAll(async () => {
  db = await createTestOrm();
  t = await startTestSandbox();
  t.sandbox.createPhone({ phoneNumber: '15550200001', pushName: 'Owner' });
  t.sandbox.createPhone({ phoneNumber: '15550200002', pushName: 'Customer' });
  registry = new InstanceRegistry(deps());
});
afterAll(async () => {
  await registry.stop();
  await t.stop();
  await db.close();
});

describe('InstanceRegistry against the sandbox', () => {
  let id: string;

  it('links by QR, sends and receives text', async () => {
    id = (await registry.create({ name: 'desk' })).id;
    const qr = new Promise<string>((resolve) => registry.events.on('qrCode', (q) => q.instanceId === id && resolve(q.code)));
    const [a, b] = await Promise.all([registry.connect(id), registry.connect(id)]);
    expect(a.status).toBe('QR_PENDING');
    expect(b.status).toBe('QR_PENDING');
    const online = waitStatus(registry, id, 'ONLINE');
    await t.sandbox.scanQr('15550200001', await qr);
    await online;
    const view = await registry.get(id);
    expect(view).toMatchObject({ status: 'ONLINE', phoneNumber: '15550200001', jid: '15550200001@s.whatsapp.net' });
    // The account's push name comes with the phone's first message (the history sync).
    await expect.poll(async () => (await registry.get(id)).pushName).toBe('Owner');
    // DEVICE_NAME is what the phone lists under Linked devices.
    expect(t.sandbox.devices('15550200001')).toMatchObject([{ platform: 'wamux-test', connected: true }]);

    const sent = await registry.sendText({ instanceId: id, to: '+1 555-020-0002', text: 'hello customer' });
    await t.sandbox.waitForMessage('15550200002', (m) => m.id === sent.messageId && m.text === 'hello customer');

    const received = new Promise((resolve) => registry.events.on('messageReceived', (m) => m.instanceId === id && resolve(m)));
    await t.sandbox.sendText('15550200002', '15550200001', 'a question');
    expect(await received).toMatchObject({ type: 'TEXT', text: 'a question', fromMe: false, sender: { phoneNumber: '15550200002', pushName: 'Customer' } });
  });

  it('refuses bad sends with typed errors', async () => {
    await expect(registry.sendText({ instanceId: id, to: 'not a number', text: 'x' })).rejects.toMatchObject({ code: 'INVALID_RECIPIENT' });
    await expect(registry.sendText({ instanceId: id, to: '15559999999', text: 'x' })).rejects.toMatchObject({ code: 'RECIPIENT_NOT_ON_WHATSAPP' });
    await expect(registry.sendText({ instanceId: id, to: '15550200002', text: '  ' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(registry.sendText({ instanceId: 'nope', to: '15550200002', text: 'x' })).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
    const checks = await registry.checkNumbers(id, ['15550200002', '15559999999', 'abc']);
    expect(checks.map((c) => c.exists)).toEqual([true, false, false]);
  });

  it('restores the instance in a new registry (restart)', async () => {
    await registry.stop();
    registry = new InstanceRegistry(deps());
    const online = waitStatus(registry, id, 'ONLINE');
    await registry.restore();
    await online;
    const sent = await registry.sendText({ fromPhoneNumber: '15550200001', to: '15550200002', text: 'after restart' });
    await t.sandbox.waitForMessage('15550200002', (m) => m.id === sent.messageId);
  });

  it('reconnects after a drop and after a 515', async () => {
    for (const fault of [{ kind: 'drop' as const }, { kind: 'stream-error' as const, code: 515 }]) {
      const online = waitStatus(registry, id, 'ONLINE');
      t.sandbox.fault({ ...fault, phoneNumber: '15550200001' });
      await online;
    }
  });

  it('logs out, then links again with a fresh QR', async () => {
    const view = await registry.logout(id);
    expect(view.status).toBe('LOGGED_OUT');
    await expect.poll(() => t.sandbox.devices('15550200001')).toEqual([]);
    await expect(registry.sendText({ instanceId: id, to: '15550200002', text: 'x' })).rejects.toMatchObject({ code: 'INSTANCE_NOT_CONNECTED' });
    const qr = new Promise<string>((resolve) => registry.events.on('qrCode', (q) => q.instanceId === id && resolve(q.code)));
    await registry.connect(id);
    const online = waitStatus(registry, id, 'ONLINE');
    await t.sandbox.scanQr('15550200001', await qr);
    await online;
  });

  it('refuses a connect issued while a logout runs, and connects once logged out', async () => {
    const logout = registry.logout(id);
    await expect(registry.connect(id)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect((await logout).status).toBe('LOGGED_OUT');
    const qr = new Promise<string>((resolve) => registry.events.on('qrCode', (q) => q.instanceId === id && resolve(q.code)));
    expect((await registry.connect(id)).status).toBe('QR_PENDING');
    const online = waitStatus(registry, id, 'ONLINE');
    await t.sandbox.scanQr('15550200001', await qr);
    await online;
  });

  it('ends LOGGED_OUT when the phone unlinks it', async () => {
    const out = waitStatus(registry, id, 'LOGGED_OUT');
    t.sandbox.unlink('15550200001');
    await out;
    expect((await registry.get(id)).status).toBe('LOGGED_OUT');
  });

  it('links by pairing code', async () => {
    const id2 = (await registry.create({ name: 'by-code' })).id;
    const { code } = await registry.requestPairingCode(id2, '+15550200002');
    const online = waitStatus(registry, id2, 'ONLINE');
    await t.sandbox.enterPairingCode('15550200002', code);
    await online;
    expect((await registry.get(id2)).phoneNumber).toBe('15550200002');
  });
});
