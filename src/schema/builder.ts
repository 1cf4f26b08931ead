import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import type { Principal, InstanceAccess } from '../services/auth/index.ts';
import type { DomainError } from '../services/shared/index.ts';
import type { Services } from '../services/index.ts';
import type { Upload } from './upload.ts';

/**
 * What every resolver gets, built once per HTTP request or graphql-ws subscribe by the same Yoga
 * `context` function, so both transports see identical services.
 */
/**
 * (The services are the ones every transport gets; media downloads are a plain HTTP route.)
 */
export interface Context extends Omit<Services, 'receivedMedia'> {
  /** The caller, or null when no (valid) credential came with the request. */
  principal: Principal | null;
  /** Why a presented credential was refused (expired, revoked, tampered), so the error says so. */
  authError: DomainError | null;
  /** Set with `principal`: which instances the caller may see and drive. */
  access: InstanceAccess | null;
  /** Rate limits key anonymous callers by address. */
  clientIp: string;
  /** Aborted when the gateway shuts down: every live subscription ends then, whatever its transport. */
  shutdown: AbortSignal;
  /** `http(s)://host[:port]` as the caller reached the gateway, for absolute links (media downloads). */
  baseUrl: string;
}

export interface SchemaTypes {
  Context: Context;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
    Upload: { Input: Upload; Output: never };
  };
  // Non-null unless a field says otherwise: the schema states absence explicitly.
  DefaultFieldNullability: false;
}

export const builder = new SchemaBuilder<SchemaTypes>({
  plugins: [ValidationPlugin, RelayPlugin],
  defaultFieldNullability: false,
  // Connections only: no global `node`/`nodes` lookups (every object is read through its instance).
  relay: {
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    pageInfoTypeOptions: { description: 'Where a page of a connection sits (Relay cursor connections).' },
    hasNextPageFieldOptions: { description: 'True when more items follow the last one of this page.' },
    hasPreviousPageFieldOptions: { description: 'True when items come before the first one of this page.' },
    startCursorFieldOptions: { description: 'The cursor of the first item of this page.' },
    endCursorFieldOptions: { description: 'The cursor of the last item of this page.' },
    cursorFieldOptions: { description: 'Opaque position of this item: pass it as `after` or `before`.' },
    nodeFieldOptions: { description: 'The item.' },
    edgesFieldOptions: { description: 'The items of this page, each with its cursor.' },
    pageInfoFieldOptions: { description: 'Whether more pages follow or precede, and the cursors to ask for them.' },
    firstArgOptions: { description: 'Page forward: at most this many items (oldest first), after `after`.' },
    afterArgOptions: { description: 'Page forward from this cursor (exclusive).' },
    lastArgOptions: { description: 'Page backward: at most this many items, the newest ones before `before`.' },
    beforeArgOptions: { description: 'Page backward from this cursor (exclusive).' },
  },
});

builder.queryType({ description: 'Read instances and look up numbers.' });
builder.mutationType({ description: 'Log in; create, link, unlink and delete instances; send messages; manage users, API keys and webhooks.' });
builder.subscriptionType({ description: 'Live streams over graphql-ws (or server-sent events): QR codes, status changes, messages, system events.' });
