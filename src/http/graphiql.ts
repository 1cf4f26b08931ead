import { renderGraphiQL, type GraphiQLOptions } from 'graphql-yoga';
import { GRAPHIQL_ASSETS_PATH } from './graphiql-assets.route.ts';

/**
 * GraphiQL at `/graphql` (development): Yoga's page, with subscriptions over graphql-ws. Queries
 * and mutations send the Headers tab as HTTP headers, but a WebSocket carries no headers of its
 * own: our graphql-ws server reads the credential from `connection_init`'s payload. So the page
 * hands GraphiQL's socket a `connectionParams` function that reads the Authorization header from
 * the Headers tab (GraphiQL persists it in localStorage), and one token works on both transports.
 */

/** What the page starts with, under whatever the Yoga `graphiql` option sets. */
const GRAPHIQL_DEFAULTS: GraphiQLOptions = {
  shouldPersistHeaders: true,
  headers: JSON.stringify({ Authorization: 'Bearer <accessToken from the login mutation>' }, null, 2),
  defaultQuery: `# wamux GraphQL API. Log in, then put the access token into the Headers tab below
# ({"Authorization": "Bearer …"}): queries, mutations and subscriptions (graphql-ws) all use it.
mutation Login {
  login(username: "admin", password: "…") { accessToken accessTokenExpiresAt }
}

subscription Status {
  instanceStatus { instanceId status previous lastError }
}
`,
};

/**
 * Runs in the browser (serialised into the page with `Function.prototype.toString`): the headers
 * GraphiQL persisted for the active tab, as graphql-ws connection params `{ authorization }`.
 * Called at every (re)connect, so a token pasted later is used by the next subscription.
 */
export function wamuxConnectionParams(storage: { getItem(key: string): string | null } = (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage): Record<string, string> {
  const parse = (text: string | null | undefined): unknown => {
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return undefined;
    }
  };
  // GraphiQL keeps the active tab's headers under `graphiql:headers`, and every tab's in `graphiql:tabState`.
  const tabs = parse(storage.getItem('graphiql:tabState')) as { activeTabIndex?: number; tabs?: Array<{ headers?: string | null }> } | undefined;
  const fromTab = tabs?.tabs?.[tabs.activeTabIndex ?? 0]?.headers;
  const headers = (parse(fromTab) ?? parse(storage.getItem('graphiql:headers')) ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization' && typeof value === 'string') return { authorization: value };
  }
  return {};
}

/** Yoga's `renderGraphiQL`: the stock page, with our defaults and `connectionParams` added to the options it boots with. */
export function renderWamuxGraphiQL(configured: GraphiQLOptions): string {
  const options = { ...GRAPHIQL_DEFAULTS, ...configured };
  const html = renderGraphiQL(options);
  const json = JSON.stringify(options);
  if (!html.includes(json)) throw new Error('GraphiQL page layout changed: cannot add graphql-ws connectionParams');
  const script = `<script>${wamuxConnectionParams.toString()}</script>`;
  // Replacer functions: the options may contain `$` sequences that a replacement string would expand.
  const page = html.replace('</head>', () => `${script}</head>`).replace(json, () => `Object.assign(${json},{connectionParams:()=>wamuxConnectionParams()})`);
  return selfHosted(page);
}

/** Yoga's page loads GraphiQL from a CDN: every such URL points at the gateway's own copy instead. */
function selfHosted(html: string): string {
  const cdn = /https:\/\/unpkg\.com\/@graphql-yoga\/graphiql@[^/]+\/dist\//g;
  if (!cdn.test(html)) throw new Error('GraphiQL page layout changed: no CDN URL to replace with the local assets');
  const local = html.replace(cdn, GRAPHIQL_ASSETS_PATH).replace(/<link rel=icon href=https:[^>]*>/, '');
  const remote = /(?:src|href)=["']?https?:|fetch\(["']https?:/.exec(local);
  if (remote) throw new Error(`GraphiQL page still loads from elsewhere: ${remote[0]}`);
  return local;
}
