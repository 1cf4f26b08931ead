import { addTransactionCapability } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { expect, test } from 'vitest';
import { commitLateKeyWrites } from '../../src/services/instances/key-transaction-context.ts';
import { memoryAuthState } from '../helpers/memory-auth.ts';

// Baileys' own transaction wrapper over an in-memory store, patched as every session's socket is.
function keys() {
  const { state } = memoryAuthState();
  const wrapped = addTransactionCapability(state.keys, pino({ level: 'silent' }), { maxCommitRetries: 1, delayBetweenTriesMs: 0 });
  commitLateKeyWrites(wrapped);
  return { store: state.keys, keys: wrapped };
}

const token = (t: number) => ({ token: Buffer.alloc(0), senderTimestamp: t });

/** Work a transaction starts and does not await (Baileys' privacy-token issue after a send), released by hand. */
function unawaited(work: () => unknown) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const done = gate.then(work);
  return { release, done };
}

test('a write made from a transaction after it committed reaches the store', async () => {
  const { store, keys: k } = keys();
  let late!: ReturnType<typeof unawaited>;
  await k.transaction(async () => {
    late = unawaited(() => k.set({ tctoken: { 'peer@lid': token(1) } }));
  }, 'me');
  late.release();
  await late.done;
  expect(await store.get('tctoken', ['peer@lid'])).toEqual({ 'peer@lid': token(1) });
  // Read from the same finished context, it is the stored value, not the old transaction's cache.
  expect(await k.get('tctoken', ['peer@lid'])).toEqual({ 'peer@lid': token(1) });
});

test('writes inside a transaction still wait for its commit, nested ones included', async () => {
  const { store, keys: k } = keys();
  await k.transaction(async () => {
    await k.set({ tctoken: { a: token(1) } });
    await k.transaction(async () => void (await k.set({ tctoken: { b: token(2) } })), 'me');
    expect(k.isInTransaction()).toBe(true);
    expect(await store.get('tctoken', ['a', 'b'])).toEqual({});
  }, 'me');
  expect(await store.get('tctoken', ['a', 'b'])).toEqual({ a: token(1), b: token(2) });
  expect(k.isInTransaction()).toBe(false);
});

test('a transaction begun from a finished one is a transaction of its own', async () => {
  const { store, keys: k } = keys();
  let late!: ReturnType<typeof unawaited>;
  await k.transaction(async () => {
    late = unawaited(() =>
      k.transaction(async () => {
        await k.set({ tctoken: { c: token(3) } });
        expect(await store.get('tctoken', ['c'])).toEqual({});
      }, 'me'),
    );
  }, 'me');
  late.release();
  await late.done;
  expect(await store.get('tctoken', ['c'])).toEqual({ c: token(3) });
});
