import type { GraphQLEnumType } from 'graphql';
import { serverAudits, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/schema/index.ts';
import { InstanceDocument, LogoutDocument, MeDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';

// GraphQL over HTTP (graphql-http's audit suite for the spec, plus the parts of our own surface
// the audit cannot know: auth, GET with a typed document, 405 for other methods, status codes).
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
});

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
/** The documented codes: every error the endpoint answers with must carry one of them. */
const documentedCodes = (buildSchema().getType('ErrorCode') as GraphQLEnumType).getValues().map((v) => v.name);
const codeOf = async (res: Response) => ((await res.json()) as { errors: Array<{ extensions?: { code?: string } }> }).errors[0]?.extensions?.code;

/**
 * SHOULD (and MAY) audits we knowingly fail, by audit id, each with the reason. Empty: every audit
 * passes today. A MUST audit can never be listed here.
 */
const JUSTIFIED: Record<string, string> = {};

describe('graphql-http server audits against /graphql', () => {
  // One `it` per audit, so a failure names the spec requirement.
  const audits = serverAudits({
    url: () => gw.http.url,
    // Every operation needs a credential; the audits send none, so the admin's token is added.
    fetchFn: (input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${gw.adminToken}`);
      return fetch(input, { ...init, headers });
    },
  });

  it('covers the spec (MUST and SHOULD audits are there)', () => {
    expect(audits.filter((a) => a.name.startsWith('MUST ')).length).toBeGreaterThanOrEqual(10);
    expect(audits.filter((a) => a.name.startsWith('SHOULD ')).length).toBeGreaterThanOrEqual(20);
  });

  for (const audit of audits) {
    it(audit.name, async () => {
      const result: AuditResult = await audit.fn();
      if (result.status === 'ok') return;
      const justified = JUSTIFIED[audit.id];
      if (justified && !audit.name.startsWith('MUST ')) return;
      // The reason and the response body make the failure readable.
      const body = await result.response.text().catch(() => '');
      expect.fail(`${result.status}: ${result.reason} (HTTP ${result.response.status}: ${body.slice(0, 300)})`);
    });
  }
});

describe('our GraphQL over HTTP surface', () => {
  const authorized = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${gw.adminToken}`, ...extra });

  it('runs a query over GET (typed document as the `query` parameter) with application/graphql-response+json', async () => {
    const url = new URL(gw.http.url);
    url.searchParams.set('query', MeDocument.toString());
    const res = await fetch(url, { headers: authorized({ accept: GRAPHQL_RESPONSE }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(await res.json()).toEqual({ data: { me: expect.objectContaining({ username: 'admin' }) } });
  });

  it('refuses a mutation over GET with 405 and Allow: POST', async () => {
    const url = new URL(gw.http.url);
    url.searchParams.set('query', LogoutDocument.toString());
    const res = await fetch(url, { headers: authorized({ accept: GRAPHQL_RESPONSE }) });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(documentedCodes).toContain(await codeOf(res));
  });

  it('answers other methods with 405 and Allow: GET, POST, not 404', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const res = await fetch(gw.http.url, { method, headers: authorized({ 'content-type': 'application/json', accept: GRAPHQL_RESPONSE }), body: '{}' });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow'), method).toBe('GET, POST');
      expect(documentedCodes).toContain(await codeOf(res));
    }
  });

  it('answers request errors with 400 and field errors (auth, domain) with 200 and a code', async () => {
    const post = (body: unknown, headers: Record<string, string>) =>
      fetch(gw.http.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE, ...headers }, body: JSON.stringify(body) });
    // Deliberately invalid against the schema, so no generated document.
    const invalid = await post({ query: '{ nope }' }, authorized());
    expect(invalid.status).toBe(400);
    expect(await codeOf(invalid)).toBe('GRAPHQL_VALIDATION_FAILED');
    // `$id` is required and not given.
    const missingVariable = await post({ query: InstanceDocument.toString() }, authorized());
    expect(missingVariable.status).toBe(400);
    expect(documentedCodes).toContain(await codeOf(missingVariable));

    // The operation ran: the spec's 2xx with `data: null`; the error says why.
    const anonymous = await post({ query: MeDocument.toString() }, {});
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toMatchObject({ data: null, errors: [{ extensions: { code: 'UNAUTHENTICATED' }, path: ['me'] }] });
  });

  it('still speaks application/json to clients that ask for it (or send no Accept)', async () => {
    for (const accept of ['application/json', undefined]) {
      const res = await fetch(gw.http.url, {
        method: 'POST',
        headers: authorized({ 'content-type': 'application/json', ...(accept ? { accept } : {}) }),
        body: JSON.stringify({ query: MeDocument.toString() }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });
});
