import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ContactRepository } from '../../src/db/contact.repository.ts';
import { InstanceRepository } from '../../src/db/instance.repository.ts';
import { ContactService } from '../../src/services/contacts/contact.service.ts';
import { createLogger } from '../../src/services/shared/logger.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';

let db: TestOrm;
let repo: ContactRepository;
let instanceId: string;

beforeAll(async () => {
  db = await createTestOrm();
  repo = new ContactRepository(db.orm);
  instanceId = (await new InstanceRepository(db.orm).create({ name: `contacts-${randomUUID().slice(0, 8)}` })).id;
});
afterAll(() => db?.close());

describe('ContactRepository', () => {
  test('a person met by number and by LID separately becomes one row once a fact names both', async () => {
    await repo.remember(instanceId, [{ phoneNumber: '15550001111', pushName: 'Ann' }]);
    await repo.remember(instanceId, [{ lid: '123456789012345@lid', name: 'Ann (work)' }]);
    expect(await repo.page(instanceId, { limit: 10 })).toHaveLength(2);

    await repo.remember(instanceId, [{ phoneNumber: '15550001111', lid: '123456789012345@lid', pushName: 'Annie' }]);
    const rows = await repo.page(instanceId, { limit: 10 });
    expect(rows).toEqual([expect.objectContaining({ phoneNumber: '15550001111', lid: '123456789012345@lid', name: 'Ann (work)', pushName: 'Annie' })]);
  });

  test('a fact without a name never erases one; empty names are ignored', async () => {
    await repo.remember(instanceId, [{ phoneNumber: '15550001111', name: '  ', pushName: null }]);
    expect(await repo.findOne(instanceId, { phoneNumber: '15550001111' })).toMatchObject({ name: 'Ann (work)', pushName: 'Annie' });
  });

  test('search: names in any case, digits of number or LID, wildcards literal; paging both ways', async () => {
    await repo.remember(instanceId, [{ phoneNumber: '15550002222', pushName: '100% Bob' }, { lid: '999000111222333@lid', verifiedName: 'Acme Ltd' }]);
    const numbers = async (search: string) => (await repo.page(instanceId, { search, limit: 10 })).map((r) => r.phoneNumber ?? r.lid);
    expect(await numbers('ANNIE')).toEqual(['15550001111']);
    expect(await numbers('acme')).toEqual(['999000111222333@lid']);
    expect(await numbers('+1 (555) 000-2222')).toEqual(['15550002222']);
    expect(await numbers('0111222')).toEqual(['999000111222333@lid']);
    expect(await numbers('100%')).toEqual(['15550002222']);
    expect(await numbers('_')).toEqual([]);
    const [a, b, c] = await repo.page(instanceId, { limit: 10 });
    expect((await repo.page(instanceId, { afterId: a!.id, limit: 1 })).map((r) => r.id)).toEqual([b!.id]);
    expect((await repo.page(instanceId, { beforeId: c!.id, limit: 1, order: 'desc' })).map((r) => r.id)).toEqual([b!.id]);
  });
});

describe('ContactService', () => {
  // Every received message repeats its sender's facts, and a fact the row (as last written) already
  // holds is not written again: these are the cases where skipping it would leave the row wrong.
  test('a repeated fact is written again once another fact changed its row, also through its other key', async () => {
    const service = new ContactService({ orm: db.orm, logger: createLogger('silent'), requireInstance: async () => undefined });
    const id = (await new InstanceRepository(db.orm).create({ name: `contacts-${randomUUID().slice(0, 8)}` })).id;
    const pushName = async () => (await repo.findOne(id, { phoneNumber: '15550003333' }))?.pushName;
    const ann = { phoneNumber: '15550003333', lid: '333000111222333@lid', pushName: 'Ann' };
    service.record(id, [ann]);
    service.record(id, [{ phoneNumber: '15550003333', pushName: 'Annie' }]);
    service.record(id, [ann]);
    await service.settled();
    expect(await pushName()).toBe('Ann');

    service.record(id, [{ lid: '333000111222333@lid', pushName: 'Ann by LID' }]);
    service.record(id, [{ phoneNumber: '15550003333', lid: '333000111222333@lid', pushName: 'Ann' }]);
    await service.settled();
    expect(await pushName()).toBe('Ann');

    // Within one batch, a later fact that changes the row makes an earlier note stale.
    service.record(id, [{ phoneNumber: '15550003333', pushName: 'Ann' }, { lid: '333000111222333@lid', pushName: 'Ann again' }]);
    service.record(id, [{ phoneNumber: '15550003333', pushName: 'Ann' }]);
    await service.settled();
    expect(await pushName()).toBe('Ann');
  });
});
