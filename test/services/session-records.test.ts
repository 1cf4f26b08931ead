import { addTransactionCapability, makeCacheableSignalKeyStore } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SessionRecords } from '../../src/services/instances/session-records.ts';
import { memoryAuthState } from '../helpers/memory-auth.ts';

// SessionRecords between Baileys' key transactions and the store under them (the Signal cases are in
// send-decrypt-race.test.ts); a record stands in for libsignal's serialised one.
const logger = pino({ level: 'silent' });
const ID = '15550380001.0';

/** The repository's view, typed for the stand-in records. */
interface RecordView {
  get(type: 'session', ids: string[]): Promise<Record<string, unknown>>;
  set(data: { session: Record<string, object | null> }): Promise<void>;
}

function stack(turnTimeoutMs?: number) {
  const { state } = memoryAuthState();
  const records = new SessionRecords(makeCacheableSignalKeyStore(state.keys, logger), { turnTimeoutMs });
  const keys = addTransactionCapability(records.store, logger, { maxCommitRetries: 1, delayBetweenTriesMs: 0 });
  const view = records.repositoryKeys(keys) as unknown as RecordView;
  return { records, keys, view, stored: async () => (await state.keys.get('session', [ID]))[ID] as unknown };
}

describe('session records across key transactions', () => {
  it('a deletion committed after a newer write of the record leaves the newer one stored', async () => {
    const { keys, view, stored } = stack();
    await view.set({ session: { [ID]: { v: 1 } } });
    const deleted = Promise.withResolvers<void>();
    const written = Promise.withResolvers<void>();
    const deleting = keys.transaction(async () => {
      await view.set({ session: { [ID]: null } });
      deleted.resolve();
      await written.promise;
    }, 'a');
    await deleted.promise;
    expect((await view.get('session', [ID]))[ID]).toBeUndefined();
    await keys.transaction(() => view.set({ session: { [ID]: { v: 2 } } }), 'b');
    written.resolve();
    await deleting;
    expect(await stored()).toEqual({ v: 2 });
    expect((await view.get('session', [ID]))[ID]).toEqual({ v: 2 });
  });

  it('a transaction reads what another committed after its own first read', async () => {
    const { keys, view } = stack();
    await view.set({ session: { [ID]: { v: 1 } } });
    const read = Promise.withResolvers<void>();
    const committed = Promise.withResolvers<void>();
    const reading = keys.transaction(async () => {
      const before = (await view.get('session', [ID]))[ID];
      read.resolve();
      await committed.promise;
      return [before, (await view.get('session', [ID]))[ID]];
    }, 'me');
    await read.promise;
    await keys.transaction(() => view.set({ session: { [ID]: { v: 2 } } }), 'other');
    committed.resolve();
    expect(await reading).toEqual([{ v: 1 }, { v: 2 }]);
  });

  it('a send waits for a decryption of its contact no longer than the timeout, and says so', async () => {
    const { records } = stack(20);
    const never = Promise.withResolvers<void>();
    void records.decrypting(Promise.resolve(ID), () => never.promise);
    let late = false;
    expect(await records.afterDecryptions(() => Promise.resolve(ID), async () => 'sealed', () => (late = true))).toBe('sealed');
    expect(late).toBe(true);
    never.resolve();
  });

  it('a decryption waits for nothing, not even for one of its contact begun before it', async () => {
    const { records } = stack(60_000);
    const never = Promise.withResolvers<void>();
    void records.decrypting(Promise.resolve(ID), () => never.promise);
    expect(await records.decrypting(Promise.resolve(ID), async () => 'decrypted')).toBe('decrypted');
    never.resolve();
  });
});
