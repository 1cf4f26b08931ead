import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceRepository } from '../../src/db/instance.repository.ts';
import type { InstanceStatus } from '../../src/services/instances/index.ts';
import { useLoggedTestOrm } from '../helpers/db.ts';
import { startTestSandbox } from '../helpers/sandbox.ts';
import { nextQr, startServices, waitStatus, type TestServices } from '../helpers/services.ts';

// What a restored login writes of its instance's row. The restore marks every stored login
// CONNECTING in one statement before it starts them; a session's first state is that CONNECTING,
// written again once per login until it was seen to be stored already. A row that said more (an
// error from the last run) is still written, so the error does not outlive the restart.
const db = useLoggedTestOrm();
let t: Awaited<ReturnType<typeof startTestSandbox>>;
const started: TestServices[] = [];
let nextPhone = 0;

beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(async () => {
  for (const x of started) await x.stop();
  await t?.stop();
});

function services(): TestServices {
  const x = startServices({ orm: db.orm, waWebSocketUrl: t.sandbox.info.wsUrl });
  started.push(x);
  return x;
}

/** An instance linked by QR on its own services, which are then stopped: the row stays ONLINE, as after a crash. */
async function storedLogin(): Promise<string> {
  const owner = `155503${String(++nextPhone).padStart(5, '0')}`;
  t.sandbox.createPhone({ phoneNumber: owner, pushName: 'Owner' });
  const s = services();
  const id = (await s.registry.create({ name: `restore-${owner}` })).id;
  const qr = nextQr(s.events, id);
  await s.registry.connect(id);
  const online = waitStatus(s.events, id, 'ONLINE');
  await t.sandbox.scanQr(owner, await qr);
  await online;
  await s.stop();
  return id;
}

/** Restores in new services; returns the row as it was when CONNECTING and ONLINE were published, and the instance updates the restore made. */
type Stored = { status: InstanceStatus; lastError: string | null };

async function restore(id: string): Promise<{ atConnecting: Stored; atOnline: Stored; updates: string[] }> {
  const repo = new InstanceRepository(db.orm);
  const s = services();
  const from = db.queries.length;
  // Published only once the state is stored (or known to be): the row read then is what readers get.
  let atConnecting: Promise<Stored> | undefined;
  const off = s.events.on('instanceStatus', (e) => {
    if (e.instanceId === id && e.status === 'CONNECTING') atConnecting ??= repo.findById(id).then((row) => ({ status: row!.status, lastError: row!.lastError }));
  });
  const online = waitStatus(s.events, id, 'ONLINE');
  await s.registry.restore();
  await online;
  off();
  const updates = db.queries.slice(from).filter((q) => /update "instance"/.test(q));
  const atOnline = await repo.findById(id);
  // The next test's restore restores only its own instance.
  await s.registry.delete(id);
  expect(atConnecting).toBeDefined();
  return { atConnecting: await atConnecting!, atOnline: { status: atOnline!.status, lastError: atOnline!.lastError }, updates };
}

describe('the state writes of a restored login', () => {
  it('a login stored ONLINE: marked CONNECTING with the others, then written once, ONLINE', async () => {
    const id = await storedLogin();
    const { atConnecting, atOnline, updates } = await restore(id);
    expect(atConnecting).toEqual({ status: 'CONNECTING', lastError: null });
    expect(atOnline).toEqual({ status: 'ONLINE', lastError: null });
    expect(updates).toHaveLength(2);
  }, 60_000);

  it('a login stored with an error: its CONNECTING is written too, clearing the error', async () => {
    const id = await storedLogin();
    await new InstanceRepository(db.orm).saveSessionState(id, { status: 'RECONNECTING', lastError: 'connection lost (428)' });
    const { atConnecting, atOnline, updates } = await restore(id);
    expect(atConnecting).toEqual({ status: 'CONNECTING', lastError: null });
    expect(atOnline).toEqual({ status: 'ONLINE', lastError: null });
    expect(updates).toHaveLength(3);
  }, 60_000);
});
