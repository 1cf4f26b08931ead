import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainJsonPost } from '../../src/http/graphql-json-post.ts';
import { InstanceDocument, InstancesDocument, MeDocument, SendTextDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';

// A query or mutation POSTed as JSON skips Yoga's Fetch-API pipeline (src/http/graphql-json-post.ts).
// The same request with an Accept header only Yoga handles must get the very same answer.
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
});

const SEND_TEXT = SendTextDocument.toString();
/** A document of two operations, one picked by `operationName`. */
const TWO_OPERATIONS = `${MeDocument.toString()}\n${InstancesDocument.toString()}`;
// Deliberately invalid documents: the one names a field the schema lacks, the other is cut off.
const DOES_NOT_VALIDATE = '{ nope }';
const DOES_NOT_PARSE = '{ me {';
/** Chosen by Yoga's own processors as application/json too, but not one the short path takes. */
const YOGA_ONLY_ACCEPT = 'text/plain, application/json';

interface Case {
  name: string;
  body: Record<string, unknown>;
  authorized: boolean;
  /** Whether the short path takes it (the others show that Yoga's answers, for what it leaves, are unchanged). */
  short: boolean;
}

const cases: Case[] = [
  { name: 'a query', body: { query: MeDocument.toString() }, authorized: true, short: true },
  { name: 'a query without a credential', body: { query: MeDocument.toString() }, authorized: false, short: true },
  { name: 'a domain error (unknown instance)', body: { query: SEND_TEXT, variables: { input: { instanceId: 'no-such-instance', to: '15550001111', text: 'hi' } } }, authorized: true, short: true },
  { name: 'an input the validation plugin refuses (empty text)', body: { query: SEND_TEXT, variables: { input: { instanceId: 'no-such-instance', to: '15550001111', text: '' } } }, authorized: true, short: true },
  { name: 'a required variable left out', body: { query: InstanceDocument.toString() }, authorized: true, short: true },
  { name: 'a variable of the wrong type', body: { query: SEND_TEXT, variables: { input: 'text' } }, authorized: true, short: true },
  { name: 'an operation picked by name', body: { query: TWO_OPERATIONS, operationName: 'Instances' }, authorized: true, short: true },
  { name: 'a document that does not validate', body: { query: DOES_NOT_VALIDATE }, authorized: true, short: true },
  { name: 'a document that does not parse', body: { query: DOES_NOT_PARSE }, authorized: true, short: true },
  { name: 'an unknown operation name', body: { query: MeDocument.toString(), operationName: 'Nope' }, authorized: true, short: true },
  { name: 'a NUL byte in the variables', body: { query: SEND_TEXT, variables: { input: { instanceId: 'x', to: '1', text: 'a\u0000b' } } }, authorized: true, short: false },
  { name: 'an unexpected parameter', body: { query: MeDocument.toString(), nope: 1 }, authorized: true, short: false },
  { name: 'extensions', body: { query: MeDocument.toString(), extensions: { a: 1 } }, authorized: true, short: false },
];

async function post(body: unknown, accept: string | undefined, authorized: boolean) {
  const res = await fetch(gw.http.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}), ...(authorized ? { authorization: `Bearer ${gw.adminToken}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), allow: res.headers.get('allow'), body: await res.text() };
}

describe('GraphQL over HTTP: JSON POSTs answered without the Fetch-API pipeline', () => {
  it('takes plain POSTed JSON answered as JSON, and leaves everything else to Yoga', () => {
    const req = (body: unknown, headers: Record<string, string> = {}, method = 'POST') => ({ method, headers: { 'content-type': 'application/json', ...headers }, body });
    for (const c of cases) expect(!!plainJsonPost(req(c.body)), c.name).toBe(c.short);
    const query = { query: MeDocument.toString() };
    expect(plainJsonPost(req(query, { accept: 'application/graphql-response+json' }))?.mediaType).toBe('application/graphql-response+json');
    expect(plainJsonPost(req(query, { accept: '*/*' }))?.mediaType).toBe('application/json');
    expect(plainJsonPost(req(query, { accept: 'application/json; charset=utf-8' }))?.mediaType).toBe('application/json');
    expect(plainJsonPost(req(query, { 'content-type': 'application/json; charset=UTF-8' }))).toBeDefined();
    expect(plainJsonPost(req(query, { accept: YOGA_ONLY_ACCEPT }))).toBeUndefined();
    expect(plainJsonPost(req(query, { accept: 'text/event-stream' }))).toBeUndefined();
    expect(plainJsonPost(req(query, { 'content-type': 'application/graphql' }))).toBeUndefined();
    expect(plainJsonPost(req(query, {}, 'GET'))).toBeUndefined();
    expect(plainJsonPost(req([query]))).toBeUndefined();
    expect(plainJsonPost(req({ ...query, variables: [1] }))).toBeUndefined();
    // A subscription passes this check and is handed to Yoga once parsed (it answers */* with a stream).
  });

  for (const c of cases) {
    it(`answers ${c.name} as Yoga does`, async () => {
      const viaYoga = await post(c.body, YOGA_ONLY_ACCEPT, c.authorized);
      for (const accept of [undefined, '*/*', 'application/json']) {
        expect(await post(c.body, accept, c.authorized), `Accept: ${accept}`).toEqual(viaYoga);
      }
      // The GraphQL-over-HTTP media type, which Yoga answers with its own status codes.
      const spec = await post(c.body, 'application/graphql-response+json', c.authorized);
      expect(spec.type).toMatch(/^application\/graphql-response\+json/);
      expect({ ...spec, type: viaYoga.type }).toEqual({ ...(await post(c.body, 'text/plain, application/graphql-response+json', c.authorized)), type: viaYoga.type });
    });
  }
});
