import { addTransactionCapability, makeCacheableSignalKeyStore } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { expect, test } from 'vitest';
import { InboundKeyHold } from '../../src/services/instances/inbound-key-hold.ts';
import { commitLateKeyWrites } from '../../src/services/instances/key-transaction-context.ts';
import { memoryAuthState } from '../helpers/memory-auth.ts';

// The layers a session stacks over its database store, with an in-memory one at the bottom:
// hold → Baileys' cache → Baileys' transactions (patched as every socket's are).
function keys() {
  const { state } = memoryAuthState();
  const hold = new InboundKeyHold(state.keys);
  const silent = pino({ level: 'silent' });
  const wrapped = addTransactionCapability(makeCacheableSignalKeyStore(hold.store, silent), silent, { maxCommitRetries: 1, delayBetweenTriesMs: 0 });
  commitLateKeyWrites(wrapped);
  return { stored: state.keys, hold, keys: wrapped };
}

const session = (n: number) => Buffer.from(`ratchet step ${n}`);
/** Lets every write already under way finish: the in-memory store below resolves within the turn. */
const settledTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

test("a decryption's key writes reach the store only when released; reads see them meanwhile", async () => {
  const { stored, hold, keys: k } = keys();
  await k.set({ session: { 'peer.0': session(1) }, 'pre-key': { '7': { public: Buffer.alloc(32), private: Buffer.alloc(32) } } });
  // What decrypting a pkmsg does: the ratchet moves, the pre-key is used up.
  await hold.decrypting(() =>
    k.transaction(async () => {
      await k.get('pre-key', ['7']);
      await k.set({ session: { 'peer.0': session(2) }, 'pre-key': { '7': null } });
    }, 'peer'),
  );
  expect(await stored.get('session', ['peer.0'])).toEqual({ 'peer.0': session(1) });
  expect(Object.keys(await stored.get('pre-key', ['7']))).toEqual(['7']);
  expect(await hold.store.get('session', ['peer.0'])).toEqual({ 'peer.0': session(2) });
  expect(await hold.store.get('pre-key', ['7'])).toEqual({});
  // The ledger stored the message: now the keys.
  await hold.release();
  expect(await stored.get('session', ['peer.0'])).toEqual({ 'peer.0': session(2) });
  expect(await stored.get('pre-key', ['7'])).toEqual({});
});

test('a write of another kind sends what is held first, so a later value is never overwritten by an older one', async () => {
  const { stored, hold, keys: k } = keys();
  await hold.decrypting(() => k.transaction(async () => k.set({ session: { 'peer.0': session(2) } }), 'peer'));
  // A send to the same contact moves the ratchet again, outside any decryption.
  await k.transaction(async () => k.set({ session: { 'peer.0': session(3) } }), 'peer');
  expect(await stored.get('session', ['peer.0'])).toEqual({ 'peer.0': session(3) });
  await hold.release();
  expect(await stored.get('session', ['peer.0'])).toEqual({ 'peer.0': session(3) });
});

test('work a decryption leaves running writes normally once the decryption returned', async () => {
  const { stored, hold, keys: k } = keys();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let late!: Promise<void>;
  await hold.decrypting(async () => {
    // Continues in the decryption's async context, after it returned.
    late = gate.then(() => k.set({ tctoken: { 'peer@lid': { token: Buffer.alloc(0), senderTimestamp: 1 } } }));
  });
  open();
  await late;
  expect(Object.keys(await stored.get('tctoken', ['peer@lid']))).toEqual(['peer@lid']);
});

// Baileys decrypts the next message while one is stored: each message's writes wait for its own row.
test("several messages in flight: each one's key writes go out once it is stored, in decrypt order, never past a message not stored", async () => {
  const { stored, hold, keys: k } = keys();
  await k.set({ session: { 'peer.0': session(1) } });
  const decrypt = (n: number) => hold.decrypting(() => k.transaction(async () => k.set({ session: { 'peer.0': session(n) }, 'pre-key': { [String(n)]: null } }), 'peer'));
  await decrypt(2);
  const first = hold.cut();
  await decrypt(3);
  const second = hold.cut();
  expect(await hold.store.get('session', ['peer.0'])).toEqual({ 'peer.0': session(3) });
  // The second message is stored first (its row went in an earlier statement): it waits for the first.
  const secondWritten = hold.settle(second);
  await settledTurn();
  expect(await stored.get('session', ['peer.0'])).toEqual({ 'peer.0': session(1) });
  await hold.settle(first);
  await secondWritten;
  expect(await stored.get('session', ['peer.0'])).toEqual({ 'peer.0': session(3) });
});

test('messages stored together write their keys once, with the last ratchet step', async () => {
  const { stored, hold, keys: k } = keys();
  const writes: unknown[] = [];
  const set = stored.set.bind(stored);
  stored.set = (data) => (writes.push(data), set(data));
  const decrypt = (n: number) => hold.decrypting(() => k.transaction(async () => k.set({ session: { 'peer.0': session(n) }, 'pre-key': { [String(n)]: null } }), 'peer'));
  const chunks = [];
  for (const n of [2, 3, 4]) {
    await decrypt(n);
    chunks.push(hold.cut());
  }
  // The ledger's statement held all three: they are settled in one turn.
  await Promise.all(chunks.map((c) => hold.settle(c)));
  expect(writes).toHaveLength(1);
  expect((writes[0] as { session: unknown }).session).toEqual({ 'peer.0': session(4) });
  expect(await stored.get('session', ['peer.0'])).toEqual({ 'peer.0': session(4) });
});

test('a message stored while a later one is not: only its own ratchet step is written', async () => {
  const { stored, hold, keys: k } = keys();
  const decrypt = (n: number) => hold.decrypting(() => k.transaction(async () => k.set({ session: { 'peer.0': session(n) } }), 'peer'));
  await decrypt(2);
  const first = hold.cut();
  await decrypt(3);
  const second = hold.cut();
  await hold.settle(first);
  expect(await stored.get('session', ['peer.0'])).toEqual({ 'peer.0': session(2) });
  await hold.settle(second);
  expect(await stored.get('session', ['peer.0'])).toEqual({ 'peer.0': session(3) });
});

test('a write of another kind waits until the messages decrypted before it are stored', async () => {
  const { stored, hold, keys: k } = keys();
  await hold.decrypting(() => k.transaction(async () => k.set({ session: { 'peer.0': session(2) } }), 'peer'));
  const pending = hold.cut();
  let done = false;
  // A send to the same contact moves the ratchet again, outside any decryption.
  const send = k.transaction(async () => k.set({ session: { 'peer.0': session(3) } }), 'peer').then(() => (done = true));
  await settledTurn();
  expect(done).toBe(false);
  expect(await stored.get('session', ['peer.0'])).toEqual({});
  await hold.settle(pending);
  await send;
  expect(await stored.get('session', ['peer.0'])).toEqual({ 'peer.0': session(3) });
});
