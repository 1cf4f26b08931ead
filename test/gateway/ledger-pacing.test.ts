import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageDocument, SendTextStoredDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { eventually } from '../helpers/rest-client.ts';

// Pacing against bans, read from the queue's own record (each row's SENDING time): the checks are
// lower bounds on the spacing, so a slow machine only widens the gaps and never fails them.
const OWNER = '15550470001';
const ALICE = '15550470002';
const BOB = '15550470003';
const GAP_MS = 150; // SEND_RATE_PER_MINUTE=400
const RECIPIENT_GAP_MS = 600;

let gw: TestGateway;
let id: string;

beforeAll(async () => {
  gw = await startTestGateway({ env: { SEND_RATE_PER_MINUTE: '400', SEND_JITTER_MS: '40', SEND_MIN_GAP_PER_RECIPIENT_MS: String(RECIPIENT_GAP_MS), SEND_WAIT_MS: '0' } });
  await gw.sandbox.createPhone(OWNER, 'Owner');
  await gw.sandbox.createPhone(ALICE, 'Alice');
  await gw.sandbox.createPhone(BOB, 'Bob');
  id = await gw.linkInstance('pacing', OWNER);
});
afterAll(() => gw?.close());

describe('send pacing', () => {
  it('spaces an instance\'s sends by the rate and one chat\'s sends by the per-recipient gap, in order', async () => {
    const plan = [ALICE, ALICE, BOB, ALICE, BOB, BOB];
    const sent: Array<{ to: string; id: string }> = [];
    // One after another, so the queue order is the plan's order; SEND_WAIT_MS=0 answers at once.
    for (const [i, to] of plan.entries()) {
      const { sendText } = await gw.http.ok(SendTextStoredDocument, { input: { instanceId: id, to, text: `paced ${i}` } });
      sent.push({ to, id: sendText.messageId });
    }
    const rows = await eventually(async () => {
      const all = await Promise.all(sent.map(async (s) => (await gw.http.ok(MessageDocument, { instanceId: id, id: s.id })).message!));
      return all.every((m) => m.status === 'SENT' || m.status === 'DELIVERED' || m.status === 'READ') ? all : undefined;
    }, 'every paced send SENT', 60_000);
    const sendingAt = rows.map((m) => Date.parse(m.statusHistory.find((s) => s.status === 'SENDING')!.at));
    // The queue keeps the order it was given...
    expect([...sendingAt].sort((a, b) => a - b)).toEqual(sendingAt);
    // ...and no two sends of the instance are closer than 60 s / rate.
    for (let i = 1; i < sendingAt.length; i++) expect(sendingAt[i]! - sendingAt[i - 1]!).toBeGreaterThanOrEqual(GAP_MS - 1);
    // Two sends to one chat are at least the per-recipient gap apart.
    for (const to of [ALICE, BOB]) {
      const times = sendingAt.filter((_, i) => plan[i] === to);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(RECIPIENT_GAP_MS - 1);
    }
    // Everything arrived, in order per phone.
    for (const to of [ALICE, BOB]) {
      const mine = sent.filter((s) => s.to === to).map((s) => s.id);
      await gw.sandbox.waitForMessage(to, (m) => m.id === mine.at(-1));
      const inbox = (await gw.sandbox.messages(to)).filter((m) => mine.includes(m.id)).map((m) => m.id);
      expect(inbox).toEqual(mine);
    }
  }, 120_000);
});
