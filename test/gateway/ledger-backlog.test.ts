import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceStatusDocument, KindMessageDocument, MessageReceivedDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { scrapeMetrics } from '../helpers/metrics.ts';
import { eventually } from '../helpers/rest-client.ts';
import { initOrm } from '../../src/db/orm.ts';

// A backlog WhatsApp kept while the instance was away arrives at the next login. Baileys decrypts
// the next message while one is being stored (our patch's pipelineMessageReceipts), so the ledger
// stores the backlog many rows to a statement; every receipt still waits for its own row.
const OWNER = '15550420001';
const CUSTOMER = '15550420002';
const BACKLOG = 60;

let gw: TestGateway;
let id: string;

beforeAll(async () => {
  gw = await startTestGateway();
  await gw.sandbox.createPhone(OWNER, 'Owner');
  await gw.sandbox.createPhone(CUSTOMER, 'Customer');
  id = await gw.linkInstance('ledger-backlog', OWNER);
});
afterAll(() => gw?.close());

/** Takes the instance away (connection cut, logins refused) and has the customer write `texts` meanwhile; returns their ids. */
async function pileUp(texts: string[]): Promise<string[]> {
  const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
  try {
    await gw.sandbox.fault({ kind: 'refuse-logins', seconds: 600 });
    await gw.sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING', 30_000, 'RECONNECTING after the drop');
  } finally {
    status.close();
  }
  const ids: string[] = [];
  for (const text of texts) ids.push(await gw.sandbox.sendText(CUSTOMER, OWNER, text));
  return ids;
}

/** Ledger inserts and Signal key statements so far. */
const statementCounts = async () => {
  const metric = await scrapeMetrics(gw.url, gw.adminToken);
  return { inserts: metric('wamux_ledger_insert_batch_size_count'), keyWrites: metric('wamux_key_write_batch_size_count') };
};

describe('a backlog delivered at login', () => {
  it('is stored in far fewer inserts than messages, each message published once and receipted', async () => {
    const inbound = await gw.ws.subscribe(MessageReceivedDocument, { instanceId: id });
    const texts = Array.from({ length: BACKLOG }, (_, i) => `backlog ${i}`);
    const ids = await pileUp(texts);
    const before = await statementCounts();
    await gw.sandbox.fault({ kind: 'clear' });

    const seen = () => inbound.results.map((r) => r.data!.messageReceived).filter((m) => ids.includes(m.id));
    await inbound.next(() => seen().length >= BACKLOG, 60_000, `the ${BACKLOG} messages of the backlog`);
    expect(seen().map((m) => m.text).sort()).toEqual([...texts].sort());
    // One at a time this was one insert per message (Baileys hands them over one by one).
    const after = await statementCounts();
    expect(after.inserts - before.inserts).toBeGreaterThan(0);
    expect(after.inserts - before.inserts).toBeLessThanOrEqual(BACKLOG / 3);
    // Their ratchet steps likewise: the messages of one insert have their key writes in one statement.
    expect(after.keyWrites - before.keyWrites).toBeLessThanOrEqual(BACKLOG / 3);
    // Every message got its delivery receipt (after its row: the lock test in ledger-inbound), so the server keeps nothing for the instance.
    await eventually(async () => {
      const receipts = new Set((await gw.sandbox.receipts(CUSTOMER)).filter((r) => r.fromDevice !== 0 && ids.includes(r.messageId)).map((r) => r.messageId));
      return receipts.size === BACKLOG;
    }, 'a delivery receipt for every message of the backlog');
    // Nothing is published twice, in the backlog or after it.
    const reply = await gw.sandbox.sendText(CUSTOMER, OWNER, 'after the backlog');
    await inbound.next((d) => d.messageReceived.id === reply, 30_000, 'a message after the backlog');
    expect(seen()).toHaveLength(BACKLOG);
    inbound.close();
  }, 120_000);

  // Stored several to a statement, a change must still find the message it names: an edit and a
  // reaction right behind their target, all in one backlog, wait until the target is stored.
  it('applies an edit and a reaction that arrive in the same backlog as their target', async () => {
    const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
    const [target, ...rest] = await pileUp(['typo hre', 'filler 1', 'filler 2']);
    await gw.sandbox.sendKind(CUSTOMER, OWNER, { edit: { messageId: target!, text: 'typo here' } });
    await gw.sandbox.sendKind(CUSTOMER, OWNER, { reaction: { messageId: target!, emoji: '👍' } });
    await gw.sandbox.fault({ kind: 'clear' });
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 30_000, 'ONLINE with the backlog');
    status.close();
    const stored = async (messageId: string) => (await gw.http.ok(KindMessageDocument, { instanceId: id, id: messageId })).message;
    await eventually(async () => (await stored(target!))?.reactions.length === 1 && (await stored(target!))?.text === 'typo here', 'the edit and the reaction applied');
    expect(await stored(target!)).toMatchObject({ text: 'typo here', edited: true, reactions: [{ emoji: '👍' }] });
    for (const other of rest) expect(await stored(other)).toBeTruthy();
  }, 120_000);

  // A trigger from outside refuses one message of the backlog (a second connection to the
  // database: PostgreSQL only, like the ledger-inbound tests). Its batch fails, the other rows of
  // the batch are stored one by one, and the refused message ends the socket without a nack; at the
  // next login WhatsApp delivers again what had no receipt, and once the trigger is gone it is stored.
  it.runIf(process.env.DATABASE_URL)('loses nothing when one message of a batch cannot be stored: each is stored and published once', async () => {
    const storage = gw.storage.database;
    if (storage.kind !== 'postgresql') throw new Error('needs PostgreSQL');
    const admin = await initOrm(storage, { logger: () => {} });
    const sql = admin.em.getConnection();
    const inbound = await gw.ws.subscribe(MessageReceivedDocument, { instanceId: id });
    const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
    try {
      const texts = Array.from({ length: 40 }, (_, i) => `refused once ${i}`);
      const ids = await pileUp(texts);
      const refused = ids[12]!;
      await sql.execute(`create or replace function refuse_one() returns trigger language plpgsql as $$ begin raise exception 'the test refuses this row'; end $$`);
      await sql.execute(`create trigger refuse_one before insert on "message" for each row when (new.wa_id = '${refused}') execute function refuse_one()`);
      await gw.sandbox.fault({ kind: 'clear' });
      await status.next((d) => d.instanceStatus.status === 'ONLINE', 30_000, 'ONLINE with the backlog');
      await status.next((d) => d.instanceStatus.status === 'RECONNECTING', 30_000, 'the socket ended on the refused row');
      await sql.execute(`drop trigger refuse_one on "message"`);

      const seen = () => inbound.results.map((r) => r.data!.messageReceived).filter((m) => ids.includes(m.id));
      await inbound.next(() => seen().length >= ids.length, 90_000, 'every message of the backlog');
      expect(seen().map((m) => m.text).sort()).toEqual([...texts].sort());
      const rows = await sql.execute<Array<{ n: string }>>(`select count(*) as n from "message" where wa_id in (${ids.map(() => '?').join(', ')})`, ids);
      expect(Number(rows[0]!.n)).toBe(ids.length);
      // Redelivered copies of what was stored before the socket ended are not published again.
      const reply = await gw.sandbox.sendText(CUSTOMER, OWNER, 'after the refused one');
      await inbound.next((d) => d.messageReceived.id === reply, 30_000, 'a message after the backlog');
      expect(seen()).toHaveLength(ids.length);
    } finally {
      await sql.execute(`drop trigger if exists refuse_one on "message"`);
      inbound.close();
      status.close();
      await admin.close(true);
    }
  }, 180_000);
});
