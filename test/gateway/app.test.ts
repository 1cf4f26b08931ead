import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhatsAppSandbox } from '../../src/sandbox/sandbox.ts';
import {
  ConnectInstanceDocument,
  CreateInstanceDocument,
  InstanceStatusDocument,
  QrCodeDocument,
  SendTextDocument,
  SystemEventsDocument,
} from '../graphql/generated/graphql.ts';
import { provisionTestStorage, startTestGateway, type TestStorage } from '../helpers/app.ts';
import { SandboxClient } from '../helpers/sandbox-client.ts';
import { eventually } from '../helpers/rest-client.ts';

// The app as a process: health, GraphiQL, what sandbox mode adds, and a shutdown that ends every
// live connection and is safe to repeat.
const whatsappRootKey = Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).toString('hex');

// One storage for both apps, one after the other: a fresh embedded database costs seconds.
let storage: TestStorage;
beforeAll(async () => {
  storage = await provisionTestStorage();
});
afterAll(async () => {
  await storage?.drop();
});

describe('the app', () => {
  it('without sandbox mode, mounts no sandbox and trusts nothing extra', async () => {
    const gw = await startTestGateway({ storage, env: { WA_SANDBOX: 'false' } });
    try {
      // Ready once the (empty) restore has finished, a moment after listening.
      await eventually(async () => (await fetch(`${gw.url}/healthz`)).status === 200, 'ready');
      expect((await fetch(`${gw.url}/sandbox/phones`)).status).toBe(404);
      expect(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).toString('hex')).toBe(whatsappRootKey);
    } finally {
      await gw.close();
    }
  });

  it('serves health and GraphiQL, ends subscriptions on stop, and stops twice safely', async () => {
    const gw = await startTestGateway({ storage });
    const health = await eventually(async () => {
      const res = await fetch(`${gw.url}/healthz`);
      return res.status === 200 && res;
    }, 'ready');
    expect(await health.json()).toMatchObject({ status: 'ok' });
    // Sandbox mode swapped in the sandbox's noise root for this process.
    expect(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).toString('hex')).not.toBe(whatsappRootKey);

    const graphiql = await fetch(`${gw.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toMatch(/graphiql/i);

    // Live subscriptions on both transports: they must not keep the server from closing.
    const ws = gw.wsAs(gw.adminToken);
    const overWs = await ws.subscribe(SystemEventsDocument);
    const sse = await fetch(gw.http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${gw.adminToken}` },
      body: JSON.stringify({ query: SystemEventsDocument.toString() }),
    });
    expect(sse.status).toBe(200);
    const sseBody = sse.text();

    await Promise.all([gw.app.stop(), gw.app.stop()]);
    await gw.app.stop();
    await overWs.completed();
    await expect(sseBody).resolves.toEqual(expect.any(String));
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();
    await expect(gw.app.start()).rejects.toThrow(/stopping or stopped/);
    // The sandbox's trust went with it.
    expect(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).toString('hex')).toBe(whatsappRootKey);
    await gw.close();
  });

  it('with SANDBOX_URL, links instances through a sandbox running elsewhere', async () => {
    // A sandbox of its own, as `npm run sandbox` runs it; this test process does not trust it: the gateway must.
    const external = await WhatsAppSandbox.start({ host: '127.0.0.1', port: 0 });
    const control = new SandboxClient(external.info.controlUrl);
    try {
      await expect(fetch(`${external.info.controlUrl}/ca.pem`).then((r) => r.text())).resolves.toMatch(/BEGIN CERTIFICATE/);
      const gw = await startTestGateway({ storage, env: { SANDBOX_URL: external.info.controlUrl } });
      try {
        expect((await fetch(`${gw.url}/sandbox/phones`)).status).toBe(404);
        await control.createPhone('15550900001', 'Desk');
        await control.createPhone('15550900002', 'Customer');
        const { createInstance } = await gw.http.ok(CreateInstanceDocument, { name: 'external' });
        const id = createInstance.id;
        const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
        const qrs = await gw.ws.subscribe(QrCodeDocument, { instanceId: id });
        await gw.http.ok(ConnectInstanceDocument, { id });
        await control.scan('15550900001', (await qrs.next()).qrCode.code);
        await status.next((d) => d.instanceStatus.status === 'ONLINE');
        const sent = await gw.http.ok(SendTextDocument, { input: { instanceId: id, to: '15550900002', text: 'over there' } });
        await control.waitForMessage('15550900002', (m) => m.id === sent.sendText.messageId && m.text === 'over there');
      } finally {
        await gw.close();
      }
    } finally {
      await external.stop();
    }
  });

  it('with a SANDBOX_URL that does not answer, refuses to start and says why', async () => {
    await expect(startTestGateway({ storage, env: { SANDBOX_URL: 'http://127.0.0.1:9/sandbox' } })).rejects.toThrow(/SANDBOX_URL: the sandbox at .* did not answer/);
  });
});
