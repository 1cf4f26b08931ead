import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AuthCreds } from '../../src/db/auth-creds.entity.ts';
import { AuthKey } from '../../src/db/auth-key.entity.ts';
import { createDbAuthState } from '../../src/db/auth-state.store.ts';
import { InstanceNameTaken, InstanceRepository } from '../../src/db/instance.repository.ts';
import type { Orm } from '../../src/db/orm.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { clockPast } from '../helpers/waiter.ts';

let db: TestOrm;
let orm: Orm;
let repo: InstanceRepository;

beforeAll(async () => {
  db = await createTestOrm();
  orm = db.orm;
  repo = new InstanceRepository(orm);
});
afterAll(() => db?.close());

// Names are unique per database and the database is shared by this file's tests.
const uniqueName = (prefix = 'inst') => `${prefix}-${randomUUID().slice(0, 8)}`;

describe('InstanceRepository', () => {
  test('create stores a new instance in the CREATED state', async () => {
    const name = uniqueName();
    const created = await repo.create({ name, ownerId: 'owner-1', groupLabel: 'sales' });

    expect(created).toMatchObject({
      name,
      status: 'CREATED',
      phoneNumber: null,
      jid: null,
      lid: null,
      pushName: null,
      lastError: null,
      connectedAt: null,
      ownerId: 'owner-1',
      groupLabel: 'sales',
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await repo.findById(created.id)).toEqual(created);
  });

  test('create keeps an id chosen by the caller', async () => {
    const id = randomUUID();
    expect((await repo.create({ id, name: uniqueName() })).id).toBe(id);
  });

  test('names are unique', async () => {
    const name = uniqueName();
    await repo.create({ name });

    await expect(repo.create({ name })).rejects.toBeInstanceOf(InstanceNameTaken);
    expect((await repo.findAll()).filter((i) => i.name === name)).toHaveLength(1);
  });

  test('findById and findByName return null for unknown instances', async () => {
    expect(await repo.findById(randomUUID())).toBeNull();
    expect(await repo.findByName(uniqueName('missing'))).toBeNull();
  });

  test('findByName finds by the exact name', async () => {
    const created = await repo.create({ name: uniqueName() });
    expect(await repo.findByName(created.name)).toEqual(created);
  });

  test('findAll lists in creation order and filters by owner', async () => {
    const owner = `owner-${randomUUID()}`;
    const first = await repo.create({ name: uniqueName(), ownerId: owner });
    await clockPast(first.createdAt);
    const second = await repo.create({ name: uniqueName(), ownerId: owner });
    await repo.create({ name: uniqueName(), ownerId: 'someone-else' });

    expect((await repo.findAll({ ownerId: owner })).map((i) => i.id)).toEqual([first.id, second.id]);
    // The list reads raw rows; each comes out as the same record as a read by id.
    await repo.patch(first.id, { status: 'ONLINE', connectedAt: new Date('2026-01-02T03:04:05.000Z'), note: 'n', used: false });
    expect(await repo.findAll({ ownerId: owner })).toEqual([await repo.findById(first.id), await repo.findById(second.id)]);
    const all = (await repo.findAll()).map((i) => i.id);
    expect(all.indexOf(first.id)).toBeLessThan(all.indexOf(second.id));
  });

  test('patch changes the given fields only and bumps updatedAt', async () => {
    const created = await repo.create({ name: uniqueName(), groupLabel: 'keep' });
    await clockPast(created.updatedAt);
    const connectedAt = new Date('2026-01-02T03:04:05.000Z');

    const patched = await repo.patch(created.id, {
      status: 'ONLINE',
      phoneNumber: '15551234567',
      jid: '15551234567:3@s.whatsapp.net',
      lid: '123456789012345:3@lid',
      pushName: 'Ada',
      connectedAt,
    });

    expect(patched).toMatchObject({
      status: 'ONLINE',
      phoneNumber: '15551234567',
      pushName: 'Ada',
      connectedAt,
      groupLabel: 'keep',
      createdAt: created.createdAt,
    });
    expect(patched!.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
    expect(await repo.findById(created.id)).toEqual(patched);
  });

  test("saveSessionState writes the session's columns in one statement and keeps the rest", async () => {
    const created = await repo.create({ name: uniqueName(), groupLabel: 'keep' });
    await repo.patch(created.id, { lastError: 'earlier failure', pushName: 'Ada' });
    await clockPast(created.updatedAt);
    const connectedAt = new Date('2026-01-02T03:04:05.000Z');

    await repo.saveSessionState(created.id, { status: 'ONLINE', jid: '15551234567@s.whatsapp.net', phoneNumber: '15551234567', connectedAt, pushName: undefined });

    const row = await repo.findById(created.id);
    expect(row).toMatchObject({ status: 'ONLINE', jid: '15551234567@s.whatsapp.net', phoneNumber: '15551234567', connectedAt, pushName: 'Ada', lastError: 'earlier failure', groupLabel: 'keep' });
    expect(row!.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
    await repo.saveSessionState(created.id, { status: 'RECONNECTING', lastError: null });
    expect(await repo.findById(created.id)).toMatchObject({ status: 'RECONNECTING', lastError: null, jid: '15551234567@s.whatsapp.net' });
    // An instance deleted meanwhile: nothing to write, and no error.
    await expect(repo.saveSessionState(randomUUID(), { status: 'ONLINE' })).resolves.toBeUndefined();
  });

  test('patch and updateStatus return null for an unknown instance', async () => {
    expect(await repo.patch(randomUUID(), { pushName: 'x' })).toBeNull();
    expect(await repo.updateStatus(randomUUID(), 'ONLINE')).toBeNull();
  });

  test('renaming onto a taken name is refused', async () => {
    const taken = await repo.create({ name: uniqueName() });
    const other = await repo.create({ name: uniqueName() });

    await expect(repo.patch(other.id, { name: taken.name })).rejects.toBeInstanceOf(InstanceNameTaken);
  });

  test('updateStatus keeps the last error unless a new one is given', async () => {
    const { id } = await repo.create({ name: uniqueName() });

    await repo.updateStatus(id, 'RECONNECTING', { lastError: 'connection closed' });
    expect(await repo.updateStatus(id, 'DISCONNECTED')).toMatchObject({
      status: 'DISCONNECTED',
      lastError: 'connection closed',
    });
    expect(await repo.updateStatus(id, 'ONLINE', { lastError: null })).toMatchObject({
      status: 'ONLINE',
      lastError: null,
    });
  });

  test('listWithCreds returns only instances whose creds are stored', async () => {
    const withCreds = await repo.create({ name: uniqueName() });
    const without = await repo.create({ name: uniqueName() });
    await (await createDbAuthState(orm, withCreds.id)).saveCreds();

    const ids = (await repo.listWithCreds()).map((i) => i.id);
    expect(ids).toContain(withCreds.id);
    expect(ids).not.toContain(without.id);
  });

  test('delete removes the instance with its creds and keys', async () => {
    const { id } = await repo.create({ name: uniqueName() });
    const auth = await createDbAuthState(orm, id);
    await auth.saveCreds();
    await auth.state.keys.set({
      session: { '15551234567.0': randomBytes(16) },
      'pre-key': { '1': { public: randomBytes(33), private: randomBytes(32) } },
    });
    const survivor = await repo.create({ name: uniqueName() });
    await (await createDbAuthState(orm, survivor.id)).state.keys.set({ session: { a: randomBytes(4) } });

    expect(await repo.delete(id)).toBe(true);

    const em = orm.em.fork();
    expect(await repo.findById(id)).toBeNull();
    expect(await em.count(AuthCreds, { instance: id })).toBe(0);
    expect(await em.count(AuthKey, { instance: id })).toBe(0);
    expect(await em.count(AuthKey, { instance: survivor.id })).toBe(1);
    expect((await repo.listWithCreds()).map((i) => i.id)).not.toContain(id);
  });

  test('delete of an unknown instance reports false', async () => {
    expect(await repo.delete(randomUUID())).toBe(false);
  });

  test('a session that keeps writing after its instance is deleted cannot recreate it', async () => {
    const { id } = await repo.create({ name: uniqueName() });
    const auth = await createDbAuthState(orm, id);
    await repo.delete(id);

    await expect(auth.saveCreds()).rejects.toThrow();
    await expect(auth.state.keys.set({ session: { a: randomBytes(4) } })).rejects.toThrow();
    expect(await orm.em.fork().count(AuthKey, { instance: id })).toBe(0);
  });
});
