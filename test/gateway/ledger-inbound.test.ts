import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageReceivedDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { eventually } from '../helpers/rest-client.ts';
import { initOrm } from '../../src/db/orm.ts';

// Inbound messages go into the ledger before anyone hears of them, and before WhatsApp is told
// they arrived (our Baileys patch: patches/@whiskeysockets+baileys+*.patch).
const OWNER = '15550410001';
const CUSTOMER = '15550410002';

let gw: TestGateway;
let id: string;

beforeAll(async () => {
  gw = await startTestGateway();
  await gw.sandbox.createPhone(OWNER, 'Owner');
  await gw.sandbox.createPhone(CUSTOMER, 'Customer');
  id = await gw.linkInstance('ledger-in', OWNER);
});
afterAll(() => gw?.close());

/** Receipts the customer's phone got from the gateway (device 0 is the owner's own phone, which acks at once). */
async function receiptsFor(messageId: string): Promise<unknown[]> {
  return (await gw.sandbox.receipts(CUSTOMER)).filter((r) => r.messageId === messageId && r.fromDevice !== 0);
}

describe('inbound ledger', () => {
  it('messageReceived carries the cursor of the stored row, growing in arrival order', async () => {
    const sub = await gw.ws.subscribe(MessageReceivedDocument, { instanceId: id });
    const sent = [await gw.sandbox.sendText(CUSTOMER, OWNER, 'one'), await gw.sandbox.sendText(CUSTOMER, OWNER, 'two')];
    // Baileys may hand two messages over in either order; the cursor follows the order stored.
    const a = (await sub.next((d) => sent.includes(d.messageReceived.id))).messageReceived;
    const b = (await sub.next((d) => sent.includes(d.messageReceived.id) && d.messageReceived.id !== a.id)).messageReceived;
    expect(a).toMatchObject({ sender: { phoneNumber: CUSTOMER, pushName: 'Customer' } });
    expect(BigInt(b.cursor)).toBeGreaterThan(BigInt(a.cursor));
    sub.close();
  });

  // A table lock from outside holds the gateway's insert; the receipt must wait for it. Without
  // the patch Baileys sends the receipt first and the insert after. Needs a second connection to
  // the database, so PostgreSQL only (CI runs the suite on both).
  it.runIf(process.env.DATABASE_URL)('the delivery receipt leaves only after the message is committed to the ledger', async () => {
    const storage = gw.storage.database;
    if (storage.kind !== 'postgresql') throw new Error('needs PostgreSQL');
    // Two connections of our own: one holds the lock in a transaction, the other watches.
    const [locker, observer] = [await initOrm(storage, { logger: () => {} }), await initOrm(storage, { logger: () => {} })];
    try {
      const messageId = await locker.em.fork().transactional(async (tx) => {
        await tx.getConnection().execute('lock table "message" in exclusive mode', [], 'run', tx.getTransactionContext());
        const sent = await gw.sandbox.sendText(CUSTOMER, OWNER, 'held by the lock');
        // The gateway decrypted the message and is inside the ledger insert (only the ledger writes
        // this table; pg_stat_activity's query text can lag, so the lock wait tells).
        await eventually(async () => (await observer.em.getConnection().execute(`select 1 from pg_locks where not granted and relation = '"message"'::regclass`)).length > 0, 'the ledger insert to wait on the lock');
        expect(await receiptsFor(sent)).toEqual([]);
        return sent;
      });
      await eventually(async () => (await receiptsFor(messageId)).length > 0, 'the delivery receipt');
      const rows = await observer.em.getConnection().execute(`select status from "message" where wa_id = ?`, [messageId]);
      expect(rows).toEqual([{ status: 'RECEIVED' }]);
    } finally {
      await Promise.all([locker.close(true), observer.close(true)]);
    }
  });
});
