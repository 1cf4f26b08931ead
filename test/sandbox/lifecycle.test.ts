import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox } from '../helpers/sandbox.ts';

let t: Awaited<ReturnType<typeof startTestSandbox>>;
let n = 0;
/** A fresh phone per test keeps the tests independent inside one sandbox. */
const newPhone = () => t.sandbox.createPhone({ phoneNumber: `1555003${String(++n).padStart(4, '0')}`, pushName: `P${n}` }).phoneNumber;

beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(() => t.stop());

describe('logout and unlink', () => {
  it('logout() from the companion unlinks it; its creds then fail with 401', async () => {
    const phone = newPhone();
    const c = await t.link(phone);
    const closed = c.waitForClose();
    await c.sock.logout();
    expect((await closed).statusCode).toBe(401);
    await expect.poll(() => t.sandbox.devices(phone)).toEqual([]);
    const again = t.companion(c.auth);
    expect((await again.waitForClose()).statusCode).toBe(401);
  });

  it('the phone unlinking a connected companion closes it with 401 at once', async () => {
    const phone = newPhone();
    const c = await t.link(phone);
    const closed = c.waitForClose();
    t.sandbox.unlink(phone, t.sandbox.devices(phone)[0]!.deviceId);
    expect((await closed).statusCode).toBe(401);
  });

  it('an offline companion unlinked by the phone gets 401 at its next login', async () => {
    const phone = newPhone();
    const c = await t.link(phone);
    c.end();
    t.sandbox.unlink(phone);
    const again = t.companion(c.auth);
    expect((await again.waitForClose()).statusCode).toBe(401);
  });
});

describe('faults', () => {
  it.each([
    ['drop', { kind: 'drop' as const }, 428],
    ['stream-error 515', { kind: 'stream-error' as const, code: 515 }, 515],
    ['stream-error 440 (conflict)', { kind: 'stream-error' as const, code: 440 }, 440],
    ['stream-error 503', { kind: 'stream-error' as const, code: 503 }, 503],
  ])('%s closes with the reason Baileys reports', async (_name, fault, status) => {
    const phone = newPhone();
    const c = await t.link(phone);
    const closed = c.waitForClose();
    expect(t.sandbox.fault({ ...fault, phoneNumber: phone })).toEqual({ affected: 1 });
    expect((await closed).statusCode).toBe(status);
    c.end();
  });

  it('refuse-logins fails logins with the given code until it expires', async () => {
    const phone = newPhone();
    const c = await t.link(phone);
    c.end();
    t.sandbox.fault({ kind: 'refuse-logins', seconds: 30, code: 503 });
    const refused = t.companion(c.auth);
    expect((await refused.waitForClose()).statusCode).toBe(503);
    t.sandbox.fault({ kind: 'clear' });
    const ok = t.companion(c.auth);
    await ok.waitForOpen();
    ok.end();
  });

  it('delay slows every answer down', async () => {
    const phone = newPhone();
    const c = await t.link(phone);
    t.sandbox.fault({ kind: 'delay', ms: 300 });
    const started = Date.now();
    await c.sock.onWhatsApp(phone);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    t.sandbox.fault({ kind: 'clear' });
    c.end();
  });

  it('a second login of the same device replaces the first (440)', async () => {
    const phone = newPhone();
    const first = await t.link(phone);
    const closed = first.waitForClose();
    const second = t.companion(first.auth);
    await second.waitForOpen();
    expect((await closed).statusCode).toBe(440);
    second.end();
  });
});

describe('offline delivery', () => {
  it('queues messages and receipts for an offline companion and delivers them at login', async () => {
    const phone = newPhone();
    const peer = newPhone();
    const c = await t.link(phone);
    const sent = await c.sock.sendMessage(`${peer}@s.whatsapp.net`, { text: 'before going offline' });
    await t.sandbox.waitForMessage(peer, (m) => m.id === sent!.key.id);
    c.end();
    await expect.poll(() => t.sandbox.devices(phone)[0]?.connected).toBe(false);
    const ids = [];
    for (const text of ['one', 'two', 'three']) ids.push(await t.sandbox.sendText(peer, phone, text));
    t.sandbox.markRead(peer, [sent!.key.id!]);
    expect(t.sandbox.devices(phone)[0]!.queued).toBeGreaterThanOrEqual(4);

    const again = t.companion(c.auth);
    const texts: string[] = [];
    const gotAll = new Promise<void>((resolve) =>
      again.sock.ev.on('messages.upsert', ({ messages }) => {
        for (const m of messages) if (m.message?.conversation) texts.push(m.message.conversation);
        if (texts.length === 3) resolve();
      }),
    );
    const read = again.next('messages.update', (u) => u.some((x) => x.key.id === sent!.key.id && x.update.status === 4));
    await again.waitForOpen();
    await gotAll;
    await read;
    expect(texts).toEqual(['one', 'two', 'three']);
    // The backlog empties as the companion acks (receipts and acks follow the upserts).
    await expect.poll(() => t.sandbox.devices(phone)[0]!.queued).toBe(0);
    again.end();
  });
});

describe('several phones and companions at once', () => {
  it('2 phones x 2 companions: every device gets its copy', async () => {
    const a = newPhone();
    const b = newPhone();
    const [a1, a2, b1, b2] = [await t.link(a), await t.link(a), await t.link(b), await t.link(b)];
    // Every device connected at the network, so each fan-out below reaches all four.
    await expect.poll(() => [...t.sandbox.devices(a), ...t.sandbox.devices(b)].map((d) => d.connected)).toEqual([true, true, true, true]);

    const textOf = (m: { message?: { conversation?: string | null; extendedTextMessage?: { text?: string | null } | null } | null }) =>
      m.message?.conversation ?? m.message?.extendedTextMessage?.text;
    const waitText = (c: typeof a1, text: string) => c.next('messages.upsert', (u) => u.messages.some((m) => textOf(m) === text));

    // phone A -> phone B: both of B's companions receive it, both of A's see their phone's copy
    const fromPhone = [waitText(b1, 'from phone A'), waitText(b2, 'from phone A'), waitText(a1, 'from phone A'), waitText(a2, 'from phone A')];
    await t.sandbox.sendText(a, b, 'from phone A');
    const [, , mine] = await Promise.all(fromPhone);
    expect(mine!.messages[0]!.key.fromMe).toBe(true);

    // companion A1 -> B: B's phone and both B companions receive, and A2 gets A1's copy
    const fromA1 = [waitText(b1, 'from A1'), waitText(b2, 'from A1'), waitText(a2, 'from A1')];
    const sent = await a1.sock.sendMessage(`${b}@s.whatsapp.net`, { text: 'from A1' });
    await t.sandbox.waitForMessage(b, (m) => m.id === sent!.key.id);
    const [, , copy] = await Promise.all(fromA1);
    expect(copy!.messages[0]!.key.fromMe).toBe(true);
    for (const c of [a1, a2, b1, b2]) c.end();
  });
});

describe('persistence', () => {
  it('a restarted sandbox finds its phones, links and queued stanzas again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wamux-sandbox-'));
    try {
      const first = await startTestSandbox({ dataDir: dir });
      first.sandbox.createPhone({ phoneNumber: '15550009001', pushName: 'Persisted' });
      first.sandbox.createPhone({ phoneNumber: '15550009002', pushName: 'Peer' });
      const c = await first.link('15550009001');
      c.end();
      await expect.poll(() => first.sandbox.devices('15550009001')[0]?.connected).toBe(false);
      const queuedId = await first.sandbox.sendText('15550009002', '15550009001', 'sent while you were away');
      const lid = first.sandbox.phone('15550009001').lid;
      await first.stop();

      const second = await startTestSandbox({ dataDir: dir });
      expect(second.sandbox.phone('15550009001').lid).toBe(lid);
      expect(second.sandbox.devices('15550009001')).toHaveLength(1);
      const again = second.companion(c.auth);
      const got = again.next('messages.upsert', (u) => u.messages.some((m) => m.key.id === queuedId));
      await again.waitForOpen();
      await got;
      const reply = await again.sock.sendMessage('15550009002@s.whatsapp.net', { text: 'back' });
      await second.sandbox.waitForMessage('15550009002', (m) => m.id === reply!.key.id && m.text === 'back');
      await second.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
