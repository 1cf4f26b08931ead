import { AsyncLocalStorage } from 'node:async_hooks';
import type { SignalKeyStoreWithTransaction, WASocket } from '@whiskeysockets/baileys';

/**
 * Baileys runs each send in a key transaction whose state (the keys it read and wrote) lives in an
 * AsyncLocalStorage context, and whatever the send starts inherits that context: promise chains it
 * does not await, and timers. The two fixes below run such work in the context the socket was made
 * in instead. Both patch objects the socket shares between its parts; call them right after
 * `makeWASocket`, before anything runs in a transaction.
 */
export function detachFromKeyTransactions(sock: WASocket): void {
  commitLateKeyWrites(sock.authState.keys);
  releaseRecentMessages(sock);
}

/**
 * Baileys keeps each sent message for 5 minutes (retry receipts need it) in an LRU with one timer
 * per entry, and adds it from inside the send's transaction, so each timer kept that transaction's
 * cache of decoded Signal sessions alive too: ≈ 3 KB per message until it expired. Added from
 * outside, the timer holds only the message.
 */
function releaseRecentMessages(sock: WASocket): void {
  const recent = sock.messageRetryManager;
  if (!recent) return;
  const outside = AsyncLocalStorage.snapshot();
  const add = recent.addRecentMessage.bind(recent);
  recent.addRecentMessage = (to, id, message) => outside(() => add(to, id, message));
}

/**
 * Keeps the key writes Baileys makes after one of its key transactions has ended.
 *
 * Baileys runs a send in `keys.transaction` (addTransactionCapability): the transaction lives in an
 * AsyncLocalStorage context, key writes inside it are collected and committed when the work returns.
 * Work the send starts without awaiting inherits that context for good. After a 1:1 send that work
 * issues the account's privacy token to the recipient (an iq) and then records it under `tctoken`;
 * the answer arrives after the commit, so the record went into a transaction that no longer existed.
 * Nothing remembered the token as issued: every later send to the contact issued it again (one more
 * iq round trip per message) and no `tctoken` row was ever stored. Bare Baileys loses the same
 * writes; it only issues less often because its faster sends find the previous issue still in
 * flight.
 *
 * This marks each transaction finished once its work has returned (its writes are then being
 * committed), and sends a read or write made from a finished transaction's context to the store
 * itself, as if no transaction were open, and a transaction begun there starts afresh. It patches
 * the socket's own key store object (`sock.authState.keys`), which every part of the socket shares.
 */
export function commitLateKeyWrites(keys: SignalKeyStoreWithTransaction): void {
  // Taken here, where no transaction is open: running in it leaves Baileys' context behind.
  const outside = AsyncLocalStorage.snapshot();
  const current = new AsyncLocalStorage<{ finished: boolean }>();
  const { get, set, transaction, isInTransaction } = keys;
  const late = () => current.getStore()?.finished === true;

  keys.transaction = <T>(work: () => Promise<T>, key: string): Promise<T> => {
    if (current.getStore()?.finished === false) return transaction(work, key); // nested: Baileys reuses the open one
    const run = () => {
      const tx = { finished: false };
      return current.run(tx, () =>
        transaction(async () => {
          try {
            return await work();
          } finally {
            tx.finished = true;
          }
        }, key),
      );
    };
    return late() ? outside(run) : run();
  };
  keys.get = (type, ids) => (late() ? outside(() => get(type, ids)) : get(type, ids));
  keys.set = (data) => (late() ? outside(() => set(data)) : set(data));
  keys.isInTransaction = () => !late() && isInTransaction();
}
