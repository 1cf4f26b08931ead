import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemEventsDocument } from '../graphql/generated/graphql.ts';
import { provisionTestStorage, startTestGateway, type TestStorage } from '../helpers/app.ts';

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
      expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${gw.url}/sandbox/phones`)).status).toBe(404);
      expect(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).toString('hex')).toBe(whatsappRootKey);
    } finally {
      await gw.close();
    }
  });

  it('serves health and GraphiQL, ends subscriptions on stop, and stops twice safely', async () => {
    const gw = await startTestGateway({ storage });
    const health = await fetch(`${gw.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
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
});
