import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSandbox } from '../helpers/sandbox.ts';
import type { TestCompanion } from '../helpers/companion.ts';

let t: Awaited<ReturnType<typeof startTestSandbox>>;
beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(() => t.stop());

it('holds 100 companions connected at once, each receiving its own message', { timeout: 300_000 }, async () => {
  const N = 100;
  const sender = t.sandbox.createPhone({ phoneNumber: '15550100000', pushName: 'Broadcaster' }).phoneNumber;
  const phones = Array.from({ length: N }, (_, i) => t.sandbox.createPhone({ phoneNumber: `155501${String(i + 1).padStart(5, '0')}` }).phoneNumber);
  // Link in waves so the pairing handshakes (CPU-bound crypto in one process) do not starve each
  // other; each may take longer than usual while other test files share the two cores.
  const companions: TestCompanion[] = [];
  for (let i = 0; i < N; i += 10) {
    companions.push(...(await Promise.all(phones.slice(i, i + 10).map((p) => t.link(p, 30_000)))));
  }
  expect(t.sandbox.phones().flatMap((p) => t.sandbox.devices(p.phoneNumber)).filter((d) => d.connected)).toHaveLength(N);

  const received = companions.map((c, i) =>
    c.next('messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === `hello ${i}`), 30_000),
  );
  await Promise.all(phones.map((p, i) => t.sandbox.sendText(sender, p, `hello ${i}`)));
  await Promise.all(received);
  for (const c of companions) c.end();
});
