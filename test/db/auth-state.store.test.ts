import { randomBytes, randomUUID } from 'node:crypto';
import { proto, type AuthenticationCreds, type SignalDataSet } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SessionRecord } from 'libsignal';
import { AuthCreds } from '../../src/db/auth-creds.entity.ts';
import { AuthKey } from '../../src/db/auth-key.entity.ts';
import { AbsentKeys, createDbAuthState } from '../../src/db/auth-state.store.ts';
import { sessionJson, toJson } from '../../src/db/auth-value.codec.ts';
import { InstanceRepository } from '../../src/db/instance.repository.ts';
import type { Orm } from '../../src/db/orm.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';

let db: TestOrm;
let orm: Orm;
let instances: InstanceRepository;
const queries: string[] = [];

beforeAll(async () => {
  // Query logging is on so tests can count the statements a store call issues.
  db = await createTestOrm({ debug: true, logger: (line) => queries.push(stripAnsi(line)) });
  orm = db.orm;
  instances = new InstanceRepository(orm);
});
afterAll(() => db?.close());

async function newInstanceId(): Promise<string> {
  return (await instances.create({ name: `auth-${randomUUID()}` })).id;
}

/** Runs `work` and returns the SQL statements it sent that touch `table`. */
async function statementsOn(table: string, work: () => Promise<unknown>): Promise<string[]> {
  const from = queries.length;
  await work();
  return queries.slice(from).filter((line) => line.includes(`"${table}"`));
}

const countKeys = (instanceId: string) => orm.em.fork().count(AuthKey, { instance: instanceId });
const countCreds = (instanceId: string) => orm.em.fork().count(AuthCreds, { instance: instanceId });

const stripAnsi = (line: string) => line.replace(/\x1b\[[0-9;]*m/g, '');
const bytes = (n: number) => new Uint8Array(randomBytes(n));

describe('creds', () => {
  test('a new instance gets fresh Baileys creds and nothing is stored until saveCreds', async () => {
    const id = await newInstanceId();
    const { state } = await createDbAuthState(orm, id);

    expect(state.creds.registered).toBe(false);
    expect(state.creds.noiseKey.private).toHaveLength(32);
    expect(state.creds.signedPreKey.keyId).toBe(1);
    expect(await countCreds(id)).toBe(0);
  });

  test('saved creds load back equal, Buffers and Uint8Arrays included', async () => {
    const id = await newInstanceId();
    const first = await createDbAuthState(orm, id);
    const creds: AuthenticationCreds = first.state.creds;
    creds.registered = true;
    creds.me = { id: '15551234567:3@s.whatsapp.net', lid: '123456789012345:3@lid', name: 'Ada' };
    creds.account = {
      details: bytes(40),
      accountSignatureKey: bytes(32),
      accountSignature: bytes(64),
      deviceSignature: bytes(64),
    };
    creds.routingInfo = Buffer.from(bytes(12));
    creds.signalIdentities = [
      { identifier: { name: '15551234567:3@s.whatsapp.net', deviceId: 0 }, identifierKey: bytes(33) },
    ];
    creds.nextPreKeyId = 31;
    await first.saveCreds();

    const reloaded = await createDbAuthState(orm, id);
    expect(normalise(reloaded.state.creds)).toEqual(normalise(creds));
    expect(Buffer.isBuffer(reloaded.state.creds.noiseKey.private)).toBe(true);
    expect(Buffer.isBuffer(reloaded.state.creds.account?.details)).toBe(true);
  });

  test('the latest state wins when saves overlap', async () => {
    const id = await newInstanceId();
    const { state, saveCreds } = await createDbAuthState(orm, id);
    const saves: Promise<void>[] = [];
    for (let n = 1; n <= 10; n++) {
      state.creds.nextPreKeyId = n;
      saves.push(saveCreds());
    }
    await Promise.all(saves);

    expect((await createDbAuthState(orm, id)).state.creds.nextPreKeyId).toBe(10);
  });

  test('a burst of saves writes at most twice: the one running and one more with the latest state', async () => {
    const id = await newInstanceId();
    const { state, saveCreds } = await createDbAuthState(orm, id);
    const writes = await statementsOn('auth_creds', async () => {
      const saves: Promise<void>[] = [];
      for (let n = 1; n <= 10; n++) {
        state.creds.nextPreKeyId = n;
        saves.push(saveCreds());
      }
      await Promise.all(saves);
    });

    expect(writes.filter((line) => line.includes('insert into')).length).toBeLessThanOrEqual(2);
    expect((await createDbAuthState(orm, id)).state.creds.nextPreKeyId).toBe(10);
    // A save after the burst writes again.
    state.creds.nextPreKeyId = 11;
    await saveCreds();
    expect((await createDbAuthState(orm, id)).state.creds.nextPreKeyId).toBe(11);
  });

  test('a save of creds equal to the stored ones writes nothing; a change, a reload or a failed write does not hide the next', async () => {
    const id = await newInstanceId();
    const first = await createDbAuthState(orm, id);
    first.state.creds.nextPreKeyId = 5;
    await first.saveCreds();
    // Unchanged since its own write.
    expect(await statementsOn('auth_creds', () => first.saveCreds())).toHaveLength(0);

    // Unchanged since it was read (a restored login's `creds.update` burst), then changed.
    const reloaded = await createDbAuthState(orm, id);
    expect(await statementsOn('auth_creds', () => reloaded.saveCreds())).toHaveLength(0);
    reloaded.state.creds.nextPreKeyId = 6;
    expect(await statementsOn('auth_creds', () => reloaded.saveCreds())).toHaveLength(1);
    expect((await createDbAuthState(orm, id)).state.creds.nextPreKeyId).toBe(6);

    // A write that failed is tried again by the next save of the same creds.
    const gone = await createDbAuthState(orm, randomUUID());
    await expect(gone.saveCreds()).rejects.toThrow(/foreign key/i);
    await expect(gone.saveCreds()).rejects.toThrow(/foreign key/i);

    // After clear() (logout) the same creds are written again.
    await reloaded.clear();
    await reloaded.saveCreds();
    expect(await countCreds(id)).toBe(1);
  });

  test('saving creds for an unknown instance fails and stores nothing', async () => {
    const id = randomUUID();
    const { saveCreds } = await createDbAuthState(orm, id);

    await expect(saveCreds()).rejects.toThrow(/foreign key/i);
    expect(await countCreds(id)).toBe(0);
  });
});

describe('keys', () => {
  // One value of every Signal data type Baileys stores, with binary fields as it produces them.
  function everyKeyType() {
    return {
      'pre-key': { '1': { public: bytes(33), private: bytes(32) } },
      session: { '15551234567.0': bytes(200) },
      'sender-key': { '120363000000000000@g.us::15551234567::0': bytes(120) },
      'sender-key-memory': { '120363000000000000@g.us': { '15551234567:0@s.whatsapp.net': true } },
      'app-state-sync-key': {
        AAAAAFyZ: {
          keyData: bytes(32),
          fingerprint: { rawId: 7, currentIndex: 2, deviceIndexes: [0, 1] },
          timestamp: 1_700_000_000_000,
        },
      },
      'app-state-sync-version': {
        critical_block: { version: 3, hash: Buffer.from(bytes(128)), indexValueMap: { 'aW5kZXg=': { valueMac: bytes(32) } } },
      },
      'lid-mapping': { '15551234567': '123456789012345', '123456789012345_reverse': '15551234567' },
      'device-list': { '15551234567': ['0', '3', '12'] },
      tctoken: { '15551234567@s.whatsapp.net': { token: Buffer.from(bytes(24)), timestamp: '1700000000', senderTimestamp: 42 } },
      'identity-key': { '15551234567.0': bytes(33) },
    } satisfies SignalDataSet;
  }

  test('every key type round-trips through one set call', async () => {
    const id = await newInstanceId();
    const { state } = await createDbAuthState(orm, id);
    const written = everyKeyType();

    await state.keys.set(written);

    for (const [type, entries] of Object.entries(written)) {
      const read = await state.keys.get(type as keyof typeof written, Object.keys(entries));
      // Baileys' own stores hand app-state keys back as protobuf messages (Long timestamps).
      const expected =
        type === 'app-state-sync-key'
          ? Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, proto.Message.AppStateSyncKeyData.fromObject(v)]))
          : entries;
      expect(normalise(read), type).toEqual(normalise(expected));
    }
  });

  test('app-state-sync-key values come back as protobuf messages', async () => {
    const id = await newInstanceId();
    const { state } = await createDbAuthState(orm, id);
    const { 'app-state-sync-key': written } = everyKeyType();
    await state.keys.set({ 'app-state-sync-key': written });

    const { AAAAAFyZ: key } = await state.keys.get('app-state-sync-key', ['AAAAAFyZ']);
    expect(key).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(key!.keyData!)).toEqual(Buffer.from(written.AAAAAFyZ.keyData));
    expect(key!.fingerprint?.deviceIndexes).toEqual([0, 1]);
  });

  test('get leaves out ids that are not stored', async () => {
    const id = await newInstanceId();
    const { state } = await createDbAuthState(orm, id);
    await state.keys.set({ session: { a: bytes(4) } });

    expect(Object.keys(await state.keys.get('session', ['a', 'b', 'c']))).toEqual(['a']);
    expect(await state.keys.get('session', [])).toEqual({});
  });

  test('get reads all requested ids in one query', async () => {
    const id = await newInstanceId();
    const { state } = await createDbAuthState(orm, id);
    const sessions = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`1555000${i}.0`, bytes(16)]));
    await state.keys.set({ session: sessions });

    let read: Record<string, Uint8Array> = {};
    const statements = await statementsOn('auth_key', async () => {
      read = await state.keys.get('session', [...Object.keys(sessions), 'missing']);
    });

    expect(Object.keys(read)).toHaveLength(50);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/"key_id" in \(/);
  });

  test('set overwrites existing values and deletes null ones', async () => {
    const id = await newInstanceId();
    const { state } = await createDbAuthState(orm, id);
    await state.keys.set({ session: { a: bytes(4), b: bytes(4), c: bytes(4) }, 'lid-mapping': { x: '1' } });

    const replacement = bytes(8);
    await state.keys.set({ session: { a: replacement, b: null }, 'lid-mapping': { x: null } });

    const sessions = await state.keys.get('session', ['a', 'b', 'c']);
    expect(Object.keys(sessions).sort()).toEqual(['a', 'c']);
    expect(Buffer.from(sessions.a!)).toEqual(Buffer.from(replacement));
    expect(await state.keys.get('lid-mapping', ['x'])).toEqual({});
  });

  test('a large batch is written in one transaction and read back in one query', async () => {
    const id = await newInstanceId();
    const { state } = await createDbAuthState(orm, id);
    const preKeys = Object.fromEntries(
      Array.from({ length: 2_500 }, (_, i) => [String(i + 1), { public: bytes(33), private: bytes(32) }]),
    );

    const from = queries.length;
    await state.keys.set({ 'pre-key': preKeys });
    const written = queries.slice(from);
    expect(written.filter((q) => /\] begin/.test(q))).toHaveLength(1);
    expect(written.filter((q) => /\] commit/.test(q))).toHaveLength(1);

    expect(await countKeys(id)).toBe(2_500);
    let read = {};
    const reads = await statementsOn('auth_key', async () => {
      read = await state.keys.get('pre-key', Object.keys(preKeys));
    });
    expect(Object.keys(read)).toHaveLength(2_500);
    expect(reads).toHaveLength(1);
  });

  test('a ratchet step (upserts only) is one statement, with no transaction around it', async () => {
    const id = await newInstanceId();
    const { state } = await createDbAuthState(orm, id);
    const from = queries.length;
    await state.keys.set({ session: { 'peer.0': bytes(64), 'peer.1': bytes(64) }, 'sender-key': { 'g::peer::0': bytes(32) } });
    expect(queries.slice(from).map((q) => /\] (\w+)/.exec(q)?.[1])).toEqual(['insert']);
    expect(await countKeys(id)).toBe(3);
  });

  test('a miss is remembered (no query for it again) until the key is written', async () => {
    const id = await newInstanceId();
    const { state } = await createDbAuthState(orm, id);
    const first = await statementsOn('auth_key', async () => state.keys.get('tctoken', ['15550001111@s.whatsapp.net']));
    expect(first).toHaveLength(1);
    let again = {};
    expect(await statementsOn('auth_key', async () => (again = await state.keys.get('tctoken', ['15550001111@s.whatsapp.net'])))).toHaveLength(0);
    expect(again).toEqual({});

    const token = { token: Buffer.from(bytes(16)), timestamp: '1' };
    await state.keys.set({ tctoken: { '15550001111@s.whatsapp.net': token } });
    expect(await state.keys.get('tctoken', ['15550001111@s.whatsapp.net'])).toEqual({ '15550001111@s.whatsapp.net': token });
  });

  test('a miss read while a write of that key type runs is not remembered', () => {
    // The store's own interleaving depends on the driver's timing, so the rule is checked directly.
    const absent = new AbsentKeys(2);
    const quiet = absent.snapshot('tctoken');
    expect(absent.unchangedSince('tctoken', quiet)).toBe(true);
    absent.writing(['session'], +1);
    absent.writing(['session'], -1);
    expect(absent.unchangedSince('tctoken', quiet), 'a write of another type does not matter').toBe(true);

    const before = absent.snapshot('tctoken');
    absent.writing(['tctoken'], +1);
    expect(absent.unchangedSince('tctoken', before), 'a write started after the read').toBe(false);
    expect(absent.snapshot('tctoken'), 'a write in flight when the read starts').toBeNull();
    absent.writing(['tctoken'], -1);
    expect(absent.unchangedSince('tctoken', before), 'a write that overlapped and finished').toBe(false);

    const again = absent.snapshot('tctoken');
    absent.reset();
    expect(absent.unchangedSince('tctoken', again), 'keys cleared meanwhile').toBe(false);

    absent.add('tctoken', 'a');
    absent.add('tctoken', 'b');
    absent.add('tctoken', 'c');
    expect([absent.has('tctoken', 'a'), absent.has('tctoken', 'b'), absent.has('tctoken', 'c')], 'bounded, oldest out').toEqual([false, true, true]);
  });

  test('a batch that fails part-way leaves nothing of it written', async () => {
    const id = await newInstanceId();
    const { state } = await createDbAuthState(orm, id);
    await state.keys.set({ session: { kept: bytes(4) } });

    // The type column is varchar(255), so the database rejects this row, after the delete of
    // `kept` in the same call has already run.
    const from = queries.length;
    const failing = state.keys.set({
      session: { kept: null, added: bytes(4) },
      ['t'.repeat(256)]: { k: bytes(4) },
    } as SignalDataSet);

    await expect(failing).rejects.toThrow(/too long/);
    const sent = queries.slice(from).map((q) => /\] (\w+)/.exec(q)?.[1]);
    expect(sent).toEqual(['begin', 'delete', 'insert', 'rollback']);
    expect(Object.keys(await state.keys.get('session', ['kept', 'added']))).toEqual(['kept']);
    expect(await countKeys(id)).toBe(1);
  });

  test('concurrent batches from many instances stay atomic', async () => {
    const stores = await Promise.all(
      Array.from({ length: 20 }, async () => createDbAuthState(orm, await newInstanceId())),
    );

    // Every fifth batch fails in the database; the others must land whole, interleaved or not.
    const results = await Promise.allSettled(
      stores.map(({ state }, i) =>
        state.keys.set({
          session: Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`s${k}`, bytes(8)])),
          ...(i % 5 === 0 ? { ['t'.repeat(256)]: { k: bytes(4) } } : {}),
        } as SignalDataSet),
      ),
    );

    for (const [i, { state }] of stores.entries()) {
      const stored = Object.keys(await state.keys.get('session', Array.from({ length: 10 }, (_, k) => `s${k}`)));
      expect(results[i]!.status).toBe(i % 5 === 0 ? 'rejected' : 'fulfilled');
      expect(stored).toHaveLength(i % 5 === 0 ? 0 : 10);
    }
  });

  test('writing keys for an unknown instance fails and stores nothing', async () => {
    const id = randomUUID();
    const { state } = await createDbAuthState(orm, id);

    await expect(state.keys.set({ session: { a: bytes(4) } })).rejects.toThrow(/foreign key/i);
    expect(await countKeys(id)).toBe(0);
  });

  test('instances never see each other’s keys', async () => {
    const [a, b] = [await newInstanceId(), await newInstanceId()];
    const storeA = await createDbAuthState(orm, a);
    const storeB = await createDbAuthState(orm, b);
    await storeA.state.keys.set({ session: { shared: bytes(4) } });

    expect(await storeB.state.keys.get('session', ['shared'])).toEqual({});
    await storeB.state.keys.set({ session: { shared: null } });
    expect(Object.keys(await storeA.state.keys.get('session', ['shared']))).toEqual(['shared']);
  });
});

describe('the keys of a login, read ahead', () => {
  /** A linked account's stored state: creds naming its device, and the keys Baileys reads at its login (its privacy-token index not among them). */
  async function linkedAccount() {
    const id = await newInstanceId();
    const first = await createDbAuthState(orm, id);
    first.state.creds.me = { id: '15551230000:2@s.whatsapp.net', name: 'Ada' };
    first.state.creds.nextPreKeyId = 31;
    await first.saveCreds();
    await first.state.keys.set({
      session: { '15551230000.2': { _sessions: { a: 1 } } as never },
      'pre-key': { '30': { public: bytes(32), private: bytes(32) } },
      'lid-mapping': { '15551230000': '987654321' },
    });
    return id;
  }

  test('one statement as the session starts; then the login asks for each without a query, and for the missing one too', async () => {
    const id = await linkedAccount();
    let store: Awaited<ReturnType<typeof createDbAuthState>> | undefined;
    expect(await statementsOn('auth_key', async () => (store = await createDbAuthState(orm, id)))).toHaveLength(1);
    const keys = store!.state.keys;
    const reads = await statementsOn('auth_key', async () => {
      expect(await keys.get('session', ['15551230000.2'])).toEqual({ '15551230000.2': { _sessions: { a: 1 } } });
      expect((await keys.get('pre-key', ['30']))['30']?.public).toHaveLength(32);
      expect(await keys.get('lid-mapping', ['15551230000'])).toEqual({ '15551230000': '987654321' });
      expect(await keys.get('tctoken', ['__index'])).toEqual({});
    });
    expect(reads).toHaveLength(0);
    // Each is taken once: asked again (Baileys' cache above forgot it), it is read.
    expect(await statementsOn('auth_key', async () => keys.get('session', ['15551230000.2']))).toHaveLength(1);
  });

  test('a key written before the login asks for it comes back as written, not as read ahead', async () => {
    const id = await linkedAccount();
    const { keys } = (await createDbAuthState(orm, id)).state;
    await keys.set({ session: { '15551230000.2': { _sessions: { b: 2 } } as never }, 'lid-mapping': { '15551230000': null } });
    expect(await keys.get('session', ['15551230000.2'])).toEqual({ '15551230000.2': { _sessions: { b: 2 } } });
    expect(await keys.get('lid-mapping', ['15551230000'])).toEqual({});
  });

  test('an unlinked instance reads nothing ahead', async () => {
    const id = await newInstanceId();
    expect(await statementsOn('auth_key', () => createDbAuthState(orm, id))).toHaveLength(0);
  });
});

describe('clearing', () => {
  test('clear() removes the creds and every key but keeps the instance', async () => {
    const id = await newInstanceId();
    const auth = await createDbAuthState(orm, id);
    await auth.saveCreds();
    await auth.state.keys.set({ session: { a: bytes(4) }, 'pre-key': { '1': { public: bytes(33), private: bytes(32) } } });

    await auth.clear();

    expect(await countCreds(id)).toBe(0);
    expect(await countKeys(id)).toBe(0);
    expect(await instances.findById(id)).not.toBeNull();
    const fresh = await createDbAuthState(orm, id);
    expect(fresh.state.creds.noiseKey.private).not.toEqual(auth.state.creds.noiseKey.private);
  });

  test('keys.clear() removes the keys and keeps the creds', async () => {
    const id = await newInstanceId();
    const auth = await createDbAuthState(orm, id);
    await auth.saveCreds();
    await auth.state.keys.set({ session: { a: bytes(4) } });

    await auth.state.keys.clear!();

    expect(await countKeys(id)).toBe(0);
    expect(await countCreds(id)).toBe(1);
  });
});

/** Compares binary fields by content whether they are Buffers or plain Uint8Arrays. */
function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, normalise(v)]),
    );
  }
  return value;
}

describe('a session record as stored', () => {
  // libsignal's serialize(): what Baileys hands the store for every send and received message.
  const b64 = (n: number) => randomBytes(n).toString('base64');
  const chain = (type: number) => ({ chainKey: { counter: 3, key: b64(32) }, chainType: type, messageKeys: { 1: b64(32), 2: b64(32) } });
  const entry = () => ({
    registrationId: 4242,
    currentRatchet: { ephemeralKeyPair: { pubKey: b64(33), privKey: b64(32) }, lastRemoteEphemeralKey: b64(33), previousCounter: 2, rootKey: b64(32) },
    indexInfo: { baseKey: b64(33), baseKeyType: 2, closed: -1, used: 1_700_000_000_000, created: 1_700_000_000_000, remoteIdentityKey: b64(33) },
    _chains: { [b64(33)]: chain(1), [b64(33)]: chain(2) },
    pendingPreKey: { signedKeyId: 7, preKeyId: 9, baseKey: b64(33) },
  });
  const record = SessionRecord.deserialize({ _sessions: { [b64(33)]: entry(), [b64(33)]: entry() }, version: 'v1' } as never).serialize();

  test("is the text Baileys' replacer makes, for bytes inside too", () => {
    expect(sessionJson(record)).toBe(toJson(record));
    for (const odd of [{ ...record, extra: randomBytes(8) }, { ...record, extra: new Uint8Array([1, 2, 3]) }, { ...record, extra: { type: 'Buffer', data: [1, 2] } }, new Uint8Array([4, 5]), randomBytes(4)]) {
      expect(sessionJson(odd)).toBe(toJson(odd));
    }
  });
});
