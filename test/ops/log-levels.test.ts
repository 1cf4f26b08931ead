import { afterAll, beforeAll, expect, it } from 'vitest';
import { CreateInstanceDocument, SendMediaDocument, SendTextDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { captureLogs, LEVEL } from '../helpers/log-capture.ts';
import { RestClient } from '../helpers/rest-client.ts';

// Logs an operator can alert on: the 515 restart after linking and a client's expected mistakes
// are info lines without stacks; only the unexpected is logged at error.
const SENDER = '15550410001';
const NOBODY = '15550419999';
const { logger, lines } = captureLogs('info');
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ logger });
  await gw.sandbox.createPhone(SENDER, 'Sender');
});
afterAll(async () => {
  await gw?.close();
});

it('logs the 515 restart and expected client errors at info, with no error-level line', async () => {
  const online = await gw.linkInstance('online', SENDER);
  const { createInstance: idle } = await gw.http.ok(CreateInstanceDocument, { name: 'idle' });

  const codes = [
    (await gw.http.fail(SendTextDocument, { input: { instanceId: online, to: NOBODY, text: 'hi' } })).extensions?.code,
    (await gw.http.fail(SendMediaDocument, { input: { instanceId: online, to: SENDER, kind: 'IMAGE', url: 'http://127.0.0.1:1/a.png' } })).extensions?.code,
    (await gw.http.fail(SendTextDocument, { input: { instanceId: idle.id, to: SENDER, text: 'hi' } })).extensions?.code,
  ];
  expect(codes).toEqual(['RECIPIENT_NOT_ON_WHATSAPP', 'MEDIA_URL_FORBIDDEN', 'INSTANCE_NOT_CONNECTED']);
  const rest = new RestClient(gw.url, gw.adminToken);
  expect((await rest.call('POST', `/api/send/${online}`, { to: NOBODY, message: 'hi' })).status).toBe(400);
  expect((await rest.call('POST', `/api/send/${idle.id}`, { to: SENDER, message: 'hi' })).status).toBe(400);

  const restart = lines.find((l) => l.statusCode === 515);
  expect(restart?.level, 'the 515 restart is logged').toBe(LEVEL.info);
  for (const code of [...codes, 'RECIPIENT_NOT_ON_WHATSAPP']) {
    const logged = lines.filter((l) => l.code === code);
    expect(logged.length, `${code} is logged`).toBeGreaterThan(0);
    for (const line of logged) {
      expect(line.level).toBe(LEVEL.info);
      expect(JSON.stringify(line)).not.toContain('    at ');
    }
  }
  const loud = lines.filter((l) => l.level >= LEVEL.error);
  expect(loud, JSON.stringify(loud, null, 1)).toEqual([]);
});
