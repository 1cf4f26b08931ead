import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';

// GraphiQL in the browser: the page Yoga serves, set up for subscriptions over graphql-ws, and the
// piece of it we add: the socket's connection params come from the Headers tab GraphiQL persisted.
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
});

type ConnectionParams = (storage: { getItem(key: string): string | null }) => Record<string, string>;

async function graphiqlPage(): Promise<string> {
  const res = await fetch(gw.http.url, { headers: { accept: 'text/html' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  return res.text();
}

/** The page's own `wamuxConnectionParams`, evaluated as the browser would run it. */
function connectionParamsOf(html: string): ConnectionParams {
  const script = /<script>(function wamuxConnectionParams[\s\S]*?)<\/script>/.exec(html)?.[1];
  expect(script, 'the page carries wamuxConnectionParams').toBeTruthy();
  return new Function(`${script}; return wamuxConnectionParams;`)() as ConnectionParams;
}

const storage = (items: Record<string, string>) => ({ getItem: (key: string) => items[key] ?? null });

/** Runs `me` over graphql-ws with these connection params; the close code when the server refuses. */
async function meOverWs(connectionParams: Record<string, string>): Promise<{ username?: string; closeCode?: number }> {
  const client = createClient({ url: `${gw.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams });
  try {
    for await (const result of client.iterate({ query: MeDocument.toString() })) return { username: (result.data as { me: { username: string } }).me.username };
    return {};
  } catch (err) {
    return { closeCode: (err as { code?: number }).code };
  } finally {
    await client.dispose();
  }
}

describe('GraphiQL at /graphql', () => {
  it('is served to browsers, with subscriptions over graphql-ws', async () => {
    const html = await graphiqlPage();
    expect(html).toMatch(/<title>wamux<\/title>/);
    expect(html).toContain('"subscriptionsProtocol":"WS"');
    // Booted with our connectionParams function, not a static object.
    expect(html).toContain('connectionParams:()=>wamuxConnectionParams()');
  });

  it('opens its socket with the Authorization from the Headers tab, so subscriptions authenticate like queries', async () => {
    const params = connectionParamsOf(await graphiqlPage());
    const bearer = `Bearer ${gw.adminToken}`;

    // The active tab's headers win; any casing of the header name.
    const fromTabs = params(storage({ 'graphiql:tabState': JSON.stringify({ activeTabIndex: 1, tabs: [{ headers: '{}' }, { headers: JSON.stringify({ authorization: bearer }) }] }) }));
    expect(fromTabs).toEqual({ authorization: bearer });
    expect(await meOverWs(fromTabs)).toEqual({ username: 'admin' });
    expect(params(storage({ 'graphiql:headers': JSON.stringify({ Authorization: bearer }) }))).toEqual({ authorization: bearer });

    // No token yet, or headers that are not JSON (mid-edit): nothing is sent and the server refuses.
    const empty: Array<Record<string, string>> = [{}, { 'graphiql:headers': '{"Authorization": "Bea' }];
    for (const items of empty) {
      const none = params(storage(items));
      expect(none).toEqual({});
      expect(await meOverWs(none)).toEqual({ closeCode: 4403 });
    }
  });
});
