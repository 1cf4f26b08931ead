import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceStatusDocument, MessageReceivedDocument } from '../graphql/generated/graphql.ts';
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

  // WhatsApp takes a nack as the device's final answer (it does not deliver that stanza again), so a
  // message the ledger could not store must not be nacked: the session ends the socket before
  // Baileys' nack can go out, and the message comes again at the next login. A trigger from outside
  // makes the ledger's insert fail for as long as it exists (PostgreSQL only, like the lock above).
  it.runIf(process.env.DATABASE_URL)('a message the ledger failed to store is not nacked: WhatsApp delivers it again and it is stored then', async () => {
    const storage = gw.storage.database;
    if (storage.kind !== 'postgresql') throw new Error('needs PostgreSQL');
    const admin = await initOrm(storage, { logger: () => {} });
    const sql = admin.em.getConnection();
    const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
    try {
      await sql.execute(`create or replace function refuse_inbound() returns trigger language plpgsql as $$ begin raise exception 'the test refuses inbound rows'; end $$`);
      await sql.execute(`create trigger refuse_inbound before insert on "message" for each row when (new.direction = 'INBOUND') execute function refuse_inbound()`);
      const sent = await gw.sandbox.sendText(CUSTOMER, OWNER, 'stored at the second try');
      // The failed insert ended the socket (no nack); while the trigger stays, each login fails the same way.
      await status.next((d) => d.instanceStatus.status === 'RECONNECTING', 30_000, 'the socket ended on the failed insert');
      await sql.execute(`drop trigger refuse_inbound on "message"`);
      await eventually(async () => (await sql.execute(`select status from "message" where wa_id = ?`, [sent])).length > 0, 'the message stored after the reconnect', 60_000);
      expect(await sql.execute(`select status from "message" where wa_id = ?`, [sent])).toEqual([{ status: 'RECEIVED' }]);
      await gw.waitForStatus(id, 'ONLINE', 30_000);
    } finally {
      await sql.execute(`drop trigger if exists refuse_inbound on "message"`);
      status.close();
      await admin.close(true);
    }
  }, 120_000);
});
